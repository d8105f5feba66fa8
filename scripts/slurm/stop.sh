#!/usr/bin/env bash
# Stops a Slurm started by scripts/slurm/start.sh: cancels its jobs, stops slurmd, slurmctld and munged by their pid
# files (TERM, then KILL after 10 s), and removes the state folder. Safe to run twice; leaves nothing running.
#
#   scripts/slurm/stop.sh STATE_DIR [--keep]     --keep leaves the folder (logs) in place
set -uo pipefail

state=${1:?usage: scripts/slurm/stop.sh STATE_DIR [--keep]}
keep=${2:-}
[ -d "$state" ] || { echo "slurm/stop.sh: '$state' does not exist; nothing to stop."; exit 0; }
[ -f "$state/slurm.conf" ] || { echo "slurm/stop.sh: '$state' holds no slurm.conf written by start.sh; refusing to touch it." >&2; exit 1; }

# Jobs first, so no job step outlives its daemon.
if [ -f "$state/slurmctld.pid" ] && command -v scancel >/dev/null 2>&1; then
  SLURM_CONF="$state/slurm.conf" timeout 10 scancel --full --user="$(id -un)" >/dev/null 2>&1 || true
  for _ in $(seq 1 20); do
    [ -z "$(SLURM_CONF="$state/slurm.conf" timeout 5 squeue -h -o %i 2>/dev/null)" ] && break
    sleep 0.5
  done
fi

stop_pid_file() {
  local file=$1 pid
  [ -f "$file" ] || return 0
  pid=$(cat "$file" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  fi
  rm -f "$file"
}

stop_pid_file "$state/slurmd.pid"
stop_pid_file "$state/slurmctld.pid"
stop_pid_file "$state/munge/munged.pid"

if [ "$keep" != "--keep" ]; then rm -rf "$state"; fi
echo "slurm: stopped ($state)"
