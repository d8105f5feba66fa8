#!/usr/bin/env bash
# Soak benchmark (not a test): trains one preset for many steps with one thread and samples the process's resident
# memory (VmRSS) every few seconds, to show whether memory grows over a long run (checkpoints included).
#
#   bench/soak/soak.sh PRESET STEPS OUT_DIR [CLI_DLL]
#
# Writes OUT_DIR/rss.csv (elapsed_s, rss_mib, step), OUT_DIR/train.log and the run folder OUT_DIR/run, and prints a
# summary line: RSS at the first logged step, at 10% of the steps, at the end, and the growth from 10% to the end.
# Runs with one libtorch thread (OMP_NUM_THREADS=1) at low priority, so it can share a machine.
set -euo pipefail
preset=${1:?preset name}; steps=${2:?steps}; out=${3:?output folder}
repo="$(cd "$(dirname "$0")/../.." && pwd)"
dll=${4:-}
if [ -z "$dll" ]; then
  dotnet build "$repo/src/GenomicCode.Cli" -c Release --nologo -v quiet
  dll="$repo/src/GenomicCode.Cli/bin/Release/net10.0/genomic-code.dll"
fi
every=${SOAK_SAMPLE_SECONDS:-5}
mkdir -p "$out"
OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 nice -n 19 dotnet "$dll" train --preset "$preset" --steps "$steps" --device cpu \
  --out "$out/run" --force > "$out/train.log" 2>&1 &
pid=$!
SECONDS=0
echo "elapsed_s,rss_mib,step" > "$out/rss.csv"
while kill -0 "$pid" 2>/dev/null; do
  rss=$(awk '/^VmRSS:/ {printf "%.1f", $2 / 1024}' "/proc/$pid/status" 2>/dev/null || true)
  step=$(tail -n 1 "$out/run/metrics.jsonl" 2>/dev/null | sed -nE 's/.*"step":([0-9]+).*/\1/p' || true)
  if [ -n "$rss" ]; then
    echo "$SECONDS,$rss,${step:-0}" >> "$out/rss.csv"
  fi
  sleep "$every"
done
wait "$pid" && status=0 || status=$?
elapsed=$SECONDS
python3 "$(dirname "$0")/summarize.py" "$out/rss.csv" "$steps" "$preset" "$elapsed" "$status"
exit "$status"
