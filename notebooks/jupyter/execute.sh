#!/usr/bin/env bash
# Runs notebooks to the end in Jupyter's own executor (jupyter nbconvert --execute) with the .NET kernel that
# notebooks/jupyter/setup.sh registered, against GenomicCode packages packed from this checkout.
#
#   bash notebooks/jupyter/execute.sh [--out DIR] [--feed DIR --version V] [--timeout SECONDS] [NOTEBOOK.ipynb ...]
#
# Without notebooks it runs every notebooks/NN-*.ipynb. Without --feed it packs GenomicCode, GenomicCode.Plotting and
# GenomicCode.Interactive into DIR/feed with a fresh version (0.0.0-jupyter.TIME). Each notebook is copied into DIR
# (default notebooks/out/jupyter, git-ignored) with a first cell `#i "nuget: FEED"` added and its
# `#r "nuget: GenomicCode..."` lines pinned to that version, then executed in place: DIR/NN-name.ipynb holds the outputs
# (open it in Jupyter, or keep using DIR/feed from your own notebooks with the same #i line). One line per notebook:
# its time and how many image/png outputs it has, then a line for each problem in what came back (prepare.py --check:
# a shown figure without image/png, an image only as an HTML data URI, an empty value). Exit 1 when a notebook fails
# (nbconvert's error is printed) or has such a problem.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
out="$repo/notebooks/out/jupyter"
feed=""
version=""
timeout=600
notebooks=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --feed) feed="$2"; shift 2 ;;
    --version) version="$2"; shift 2 ;;
    --timeout) timeout="$2"; shift 2 ;;
    -*) echo "error: unknown option $1 (usage: execute.sh [--out DIR] [--feed DIR --version V] [--timeout SECONDS] [NOTEBOOK.ipynb ...])" >&2; exit 2 ;;
    *) notebooks+=("$(readlink -f "$1")"); shift ;;
  esac
done
if [ -n "$feed" ] && [ -z "$version" ]; then echo "error: --feed needs --version (the version the feed's packages have)" >&2; exit 2; fi
if ! jupyter kernelspec list 2>/dev/null | awk '{ print $1 }' | grep -qx ".net-csharp"; then
  echo "error: Jupyter or its .NET kernel is missing; run: bash notebooks/jupyter/setup.sh" >&2
  exit 2
fi
if [ "${#notebooks[@]}" -eq 0 ]; then
  for n in "$repo"/notebooks/[0-9][0-9]-*.ipynb; do notebooks+=("$n"); done
fi
mkdir -p "$out"
out="$(readlink -f "$out")"

if [ -z "$feed" ]; then
  version="0.0.0-jupyter.$(date +%Y%m%d%H%M%S).$$"
  feed="$out/feed"
  rm -rf "$feed"
  packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
  # The extracted copies leave the NuGet cache again at the end (the feed stays for your own notebooks).
  trap 'rm -rf "$packages/genomiccode/$version" "$packages/genomiccode.plotting/$version" "$packages/genomiccode.interactive/$version"' EXIT
  start=$(date +%s%N)
  # Packing the extension builds the two libraries with the same version; they are then packed without a rebuild.
  dotnet pack "$repo/src/GenomicCode.Interactive" -c Release -o "$feed" --nologo -v quiet -p:MinVerVersionOverride="$version"
  for p in GenomicCode.Plotting GenomicCode; do
    dotnet pack "$repo/src/$p" -c Release -o "$feed" --nologo -v quiet --no-build -p:MinVerVersionOverride="$version"
  done
  echo "packed GenomicCode $version into $feed in $(( ($(date +%s%N) - start) / 1000000000 )) s"
fi
feed="$(readlink -f "$feed")"
# The notebooks load the pretrained models of this checkout by name (PretrainedModels.Load); the executed copies live
# in DIR, which need not be inside the checkout, so the kernel is told where they are.
export GENOMICCODE_PRETRAINED="${GENOMICCODE_PRETRAINED:-$repo/models/pretrained}"

status=0
for notebook in "${notebooks[@]}"; do
  name="$(basename "$notebook")"
  copy="$out/$name"
  python3 "$repo/notebooks/jupyter/prepare.py" "$notebook" "$copy" --feed "$feed" --version "$version"
  start=$(date +%s%N)
  if log="$(jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.kernel_name=.net-csharp \
      --ExecutePreprocessor.timeout="$timeout" --ExecutePreprocessor.startup_timeout=300 "$copy" 2>&1)"; then
    seconds=$(( ($(date +%s%N) - start) / 1000000000 ))
    echo "$name: executed in $seconds s, $(python3 "$repo/notebooks/jupyter/prepare.py" --count-png "$copy") image/png outputs ($copy)"
    python3 "$repo/notebooks/jupyter/prepare.py" --check "$copy" || status=1
  else
    echo "$log" | tail -n 40
    echo "$name: FAILED in Jupyter after $(( ($(date +%s%N) - start) / 1000000000 )) s (nbconvert keeps no partial outputs; rerun it alone: bash notebooks/jupyter/execute.sh $notebook)"
    status=1
  fi
done
exit "$status"
