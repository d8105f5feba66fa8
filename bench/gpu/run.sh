#!/usr/bin/env bash
# The GPU check of GenomicCode's population kernels, in one script (bench/README.md, "GPU check").
#
#   bash bench/gpu/run.sh --prepare          here (a machine with the .NET 10 SDK): build what the GPU machine needs into
#                                            bench/gpu/carry/ (the tool published without libtorch + a .NET runtime, ~34 MB)
#   bash bench/gpu/run.sh --out DIR          on an NVIDIA GPU machine with no package feed (driver, Python with PyTorch):
#                                            prints the GPU, checks the ILGPU CUDA kernels against the CPU accelerator,
#                                            times population development at P = 32, 256, 1024, 4096 (ILGPU and the
#                                            PyTorch peer), writes at most 8 files into DIR
#   bash bench/gpu/run.sh --dry-run [--out DIR]
#                                            on a CPU-only machine: says what the GPU run would do, then runs what it can
#                                            (the carried tool on ILGPU's CPU accelerator at tiny sizes, the PyTorch peer
#                                            on the CPU if torch imports)
#
# Environment: PYTHON (default python3; /usr/bin/python3 in a dry run), POPULATIONS (default 32,256,1024,4096),
# ITERATIONS (default 5). Every step has its own timeout, so one stuck step cannot eat the machine's window.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
carry="$here/carry"
mode=gpu
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --prepare) mode=prepare ;;
    --dry-run) mode=dry ;;
    --out) out="$2"; shift ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument '$1' (use --prepare, --dry-run, --out DIR)" >&2; exit 2 ;;
  esac
  shift
done

prepare() {
  command -v dotnet >/dev/null || { echo "prepare: needs the .NET 10 SDK (dotnet) on PATH" >&2; return 1; }
  local root version pub
  root="$(dirname "$(readlink -f "$(command -v dotnet)")")"
  version="$(dotnet --list-runtimes | awk '/^Microsoft.NETCore.App 10\./ {print $2}' | sort -V | tail -n 1)"
  [ -n "$version" ] && [ -d "$root/shared/Microsoft.NETCore.App/$version" ] || { echo "prepare: no .NET 10 runtime under $root" >&2; return 1; }
  rm -rf "$carry" && mkdir -p "$carry"
  pub="$(mktemp -d)"
  echo "prepare: publishing the tool framework-dependent, without libtorch (TorchBackend=none)"
  dotnet publish "$repo/src/GenomicCode.Cli" -c Release -r linux-x64 --self-contained false -p:TorchBackend=none \
    -o "$pub" --nologo -v quiet || return 1
  find "$pub" \( -name '*.pdb' -o -name '*.dbg' -o -name '*.xml' \) -delete
  tar -C "$pub" -cf - . | xz -T0 -6 > "$carry/tool.tar.xz"
  rm -rf "$pub"
  echo "prepare: packing the .NET runtime $version from $root"
  tar -C "$root" -cf - dotnet host "shared/Microsoft.NETCore.App/$version" LICENSE.txt ThirdPartyNotices.txt | xz -T0 -6 > "$carry/dotnet-runtime.tar.xz"
  echo "$version" > "$carry/runtime-version.txt"
  git -C "$repo" rev-parse HEAD > "$carry/commit.txt" 2>/dev/null || true
  du -b "$carry"/* | awk '{ s += $1; printf "prepare: %-60s %6.1f MiB\n", $2, $1 / 1048576 } END { printf "prepare: carried in all %.1f MiB (limit 64 MiB with the working tree)\n", s / 1048576 }'
}

if [ "$mode" = prepare ]; then prepare; exit $?; fi

[ -n "$out" ] || out="$repo/bench/results/gpu-$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$out"
log="$out/log.txt"
say() { echo "[gpu-check] $*" | tee -a "$log"; }
run() { # run NAME SECONDS CMD...: logs the command and its output; never stops the script
  local name="$1" limit="$2"; shift 2
  say "\$ $*"
  timeout "$limit" "$@" 2>&1 | tee -a "$log"
  local rc=${PIPESTATUS[0]}
  [ "$rc" = 0 ] || say "$name: exit $rc"
  return "$rc"
}

export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
[ -d /usr/local/nvidia/lib64 ] && export LD_LIBRARY_PATH="${LD_LIBRARY_PATH:+$LD_LIBRARY_PATH:}/usr/local/nvidia/lib64"
export MALLOC_MMAP_THRESHOLD_=268435456 MALLOC_TRIM_THRESHOLD_=1073741824 MALLOC_TOP_PAD_=67108864 OMP_WAIT_POLICY=PASSIVE PYTHONUNBUFFERED=1

if [ "$mode" = dry ]; then
  populations="${POPULATIONS:-2,4}"; iterations="${ITERATIONS:-2}"; accelerator=cpu; device=cpu
  size=(--grid 16 --steps 8); python="${PYTHON:-/usr/bin/python3}"
  say "DRY RUN on $(hostname): on an NVIDIA GPU this script would"
  say "  1. print the GPU (nvidia-smi) and unpack the carried .NET runtime and tool (bench/gpu/carry/*.tar.xz)"
  say "  2. genomic-code info                      (the ILGPU accelerators: the CUDA GPU must be listed)"
  say "  3. genomic-code bench develop --decoder nca --population 32,256,1024,4096 --backend ilgpu --accelerator cuda --check"
  say "     (the CUDA kernels against ILGPU's CPU accelerator at P = 4, then organisms per second at each P)"
  say "  4. the same for the GRN"
  say "  5. python3 bench/gpu/population_pytorch.py --device cuda (dense and --sparse NCA, GRN): the PyTorch peer"
  say "  6. genomic-code bench plot: organisms per second against P, ILGPU vs PyTorch"
  say "Now running what this machine can: the carried tool on ILGPU's CPU accelerator (P = $populations, 16x16 grid,"
  say "8 steps), the PyTorch peer on the CPU; no GPU numbers."
else
  populations="${POPULATIONS:-32,256,1024,4096}"; iterations="${ITERATIONS:-5}"; accelerator=cuda; device=cuda
  size=(); python="${PYTHON:-python3}"
  say "GPU check on $(hostname), $(date -u +%FT%TZ)"
fi

# 1. The GPU and the runtime.
if command -v nvidia-smi >/dev/null; then
  run nvidia-smi 30 nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv
  run nvidia-smi 30 nvidia-smi -L
else
  say "nvidia-smi: not found$([ "$mode" = dry ] && echo ' (expected in a dry run)')"
fi
if [ ! -f "$carry/tool.tar.xz" ] || [ ! -f "$carry/dotnet-runtime.tar.xz" ]; then
  if [ "$mode" = dry ] && command -v dotnet >/dev/null; then
    say "bench/gpu/carry is missing: preparing it (what 'run.sh --prepare' does; a few minutes)"
    prepare 2>&1 | tee -a "$log" || { say "prepare failed"; exit 1; }
  else
    say "bench/gpu/carry/tool.tar.xz and dotnet-runtime.tar.xz are missing: run 'bash bench/gpu/run.sh --prepare' on a machine with the .NET SDK and carry bench/gpu/carry"
    exit 1
  fi
fi
work="$(mktemp -d /tmp/genomiccode-gpu.XXXXXX)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/dotnet" "$work/tool"
unpack() { # unpack FILE.tar.xz DIR: with xz, or with Python's lzma where xz is missing
  if command -v xz >/dev/null; then xz -dc "$1" | tar -C "$2" -xf -
  else "$python" -c "import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])" "$1" "$2"; fi
}
unpack "$carry/dotnet-runtime.tar.xz" "$work/dotnet" || { say "cannot unpack the .NET runtime"; exit 1; }
unpack "$carry/tool.tar.xz" "$work/tool" || { say "cannot unpack the tool"; exit 1; }
chmod +x "$work/dotnet/dotnet"
export DOTNET_ROOT="$work/dotnet"
tool=("$work/dotnet/dotnet" "$work/tool/genomic-code.dll")
say "runtime: .NET $(cat "$carry/runtime-version.txt" 2>/dev/null) (carried); tool built from commit $(cat "$carry/commit.txt" 2>/dev/null || echo unknown)"

# 2. What ILGPU sees.
run info 120 "${tool[@]}" info

# 3-4. ILGPU: check against the CPU accelerator, then organisms per second at each P.
check=(--check) # in a dry run the CPU accelerator is checked against itself: trivial, but the same path
run ilgpu-nca 300 "${tool[@]}" bench develop --decoder nca --population "$populations" "${size[@]}" --backend ilgpu --accelerator "$accelerator" \
  "${check[@]}" --iterations "$iterations" --warmup 1 --json "$out/ilgpu-nca.json"
nca_rc=$?
run ilgpu-grn 240 "${tool[@]}" bench develop --decoder grn --population "$populations" "${size[@]}" --backend ilgpu --accelerator "$accelerator" \
  "${check[@]}" --iterations "$iterations" --warmup 1 --json "$out/ilgpu-grn.json"
grn_rc=$?

# 5. The PyTorch peer, eager, on the same device.
peer=()
if "$python" -c "import torch, sys; sys.exit(0 if '$device' == 'cpu' or torch.cuda.is_available() else 3)" 2>/dev/null; then
  # --masks gc: the ilgpu backend's draws, so both grow the same organisms from the same weights (compare mean_logit)
  common=(--population "$populations" --iterations "$iterations" --warmup 1 --device "$device" --masks gc)
  [ "$mode" = dry ] && common+=(--grid 16 --steps 8 --threads 2)
  run pytorch-nca 240 "$python" "$here/population_pytorch.py" --decoder nca "${common[@]}" --json "$out/pytorch-nca.json" && peer+=("$out/pytorch-nca.json")
  run pytorch-nca-sparse 240 "$python" "$here/population_pytorch.py" --decoder nca --sparse "${common[@]}" --json "$out/pytorch-nca-sparse.json" && peer+=("$out/pytorch-nca-sparse.json")
  run pytorch-grn 180 "$python" "$here/population_pytorch.py" --decoder grn "${common[@]}" --json "$out/pytorch-grn.json"
else
  say "PyTorch peer skipped: '$python' cannot import torch$([ "$device" = cuda ] && echo ' with CUDA')"
fi

# 6. Figures (ScottPlot needs fontconfig; the JSON files are the result either way).
nca_series="$out/ilgpu-nca.json"; for f in "${peer[@]}"; do nca_series+=",$f"; done
[ -f "$out/ilgpu-nca.json" ] && run plot 120 "${tool[@]}" bench plot --json "$nca_series" --out "$out/population-nca.png" \
  --title "NCA population development ($device)"
grn_series="$out/ilgpu-grn.json"; [ -f "$out/pytorch-grn.json" ] && grn_series+=",$out/pytorch-grn.json"
[ -f "$out/ilgpu-grn.json" ] && run plot 120 "${tool[@]}" bench plot --json "$grn_series" --out "$out/population-grn.png" \
  --title "GRN population development ($device)"

# 7. Summary: organisms per second per P, and ILGPU / PyTorch.
"$python" - "$out" <<'PY' 2>&1 | tee -a "$log"
import json, os, sys
out = sys.argv[1]
rows = {}
for name in ["ilgpu-nca", "pytorch-nca", "pytorch-nca-sparse", "ilgpu-grn", "pytorch-grn"]:
    path = os.path.join(out, name + ".json")
    if os.path.exists(path):
        d = json.load(open(path))
        rows[name] = {p["population"]: p["organisms_per_second"] for p in d["points"]}
        chk = d.get("check")
        if chk:
            print(f"[gpu-check] {name}: check against the CPU accelerator: max |difference| {chk['max_abs_difference']:.3g} "
                  f"(tolerance {chk['tolerance']}): {'passed' if chk['passed'] else 'FAILED'}")
sizes = sorted({p for r in rows.values() for p in r})
print("[gpu-check] organisms per second")
print("[gpu-check] " + "series".ljust(20) + "".join(f"{p:>12}" for p in sizes))
for name, r in rows.items():
    print("[gpu-check] " + name.ljust(20) + "".join(f"{r.get(p, float('nan')):>12.1f}" for p in sizes))
means = {}
for name in rows:
    d = json.load(open(os.path.join(out, name + ".json")))
    means[name] = {p["population"]: p.get("mean_logit") for p in d["points"]}
for a, b in [("ilgpu-nca", "pytorch-nca"), ("ilgpu-nca", "pytorch-nca-sparse"), ("ilgpu-grn", "pytorch-grn")]:
    if a in rows and b in rows:
        ratios = ", ".join(f"P={p}: {rows[a][p] / rows[b][p]:.2f}x" for p in sizes if p in rows[a] and p in rows[b])
        print(f"[gpu-check] {a} / {b}: {ratios}")
        same = ", ".join(f"P={p}: {abs(means[a][p] - means[b][p]):.2g}" for p in sizes
                         if means[a].get(p) is not None and means[b].get(p) is not None)
        print(f"[gpu-check]   same weights and masks: |mean logit difference| {same}")
PY
say "results in $out: $(ls "$out" | tr '\n' ' ')"
if [ "$nca_rc" != 0 ] || [ "$grn_rc" != 0 ]; then say "ILGPU steps failed (nca exit $nca_rc, grn exit $grn_rc)"; exit 1; fi
say "done"
