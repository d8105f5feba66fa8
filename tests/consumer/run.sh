#!/usr/bin/env bash
# Consumer check: pack GenomicCode into a local folder, build a fresh console project outside this repository that
# references it (plus TorchSharp-cpu) as a user would, train a few steps and compute a metric. On Debian 12 /
# Ubuntu 22.04 this only works if the native-load fix travels with the package (buildTransitive).
# Then pack the genomic-code tool (the linux-x64 package, which carries libtorch), install it from the folder into a
# private tool path and run `genomic-code info` and a two-step training, as a user of the tool would.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
# A version no earlier run used, so NuGet's global cache can never serve a stale package of the same version;
# the extracted copy is removed from the cache again at the end.
version="0.0.0-consumer.$(date +%s).$$"
packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
trap 'rm -rf "$work" "$packages/genomiccode/$version" "$packages/genomic-code/$version" "$packages/genomic-code.linux-x64/$version"' EXIT
dotnet pack "$repo/src/GenomicCode" -c Release -o "$work/feed" --nologo -v quiet -p:MinVerVersionOverride="$version"
mkdir -p "$work/app"
sed "s/@VERSION@/$version/" "$repo/tests/consumer/Consumer.csproj.template" > "$work/app/Consumer.csproj"
cp "$repo/tests/consumer/Program.cs" "$work/app/Program.cs"
cat > "$work/app/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="local" value="$work/feed" />
  </packageSources>
</configuration>
XML
cd "$work/app"
out="$(dotnet run --nologo 2>&1)" || { echo "$out"; echo "consumer: FAILED (GenomicCode $version)"; exit 1; }
echo "$out" | tail -n 1
grep -q "^consumer: loss" <<<"$out" || { echo "consumer: no result line"; exit 1; }
echo "consumer: OK (GenomicCode $version from a local feed, TorchSharp-cpu)"

# The tool, installed from the local folder.
dotnet pack "$repo/src/GenomicCode.Cli" -c Release -o "$work/feed" --nologo -v quiet \
  -p:MinVerVersionOverride="$version" -p:ToolPackageRuntimeIdentifiers=linux-x64
dotnet tool install genomic-code --tool-path "$work/tools" --add-source "$work/feed" --version "$version" >/dev/null
info="$("$work/tools/genomic-code" info 2>&1)" || { echo "$info"; echo "consumer: genomic-code info FAILED"; exit 1; }
# The tool must load the native library it ships (patched at pack time), not a copy from the NuGet cache.
grep -q "$work/tools/.store" <<<"$(tr -d '\n│ ' <<<"$info")" || { echo "$info"; echo "consumer: the tool did not load its own native library"; exit 1; }
train="$("$work/tools/genomic-code" train --preset quickstart --steps 2 --out "$work/run" 2>&1)" \
  || { echo "$train"; echo "consumer: genomic-code train FAILED"; exit 1; }
[ -f "$work/run/checkpoint.bin" ] && [ -f "$work/run/reconstructions.png" ] || { echo "$train"; echo "consumer: the tool's run folder is incomplete"; exit 1; }
echo "consumer: OK (genomic-code $version installed from a local feed: info and a 2-step training)"

# A study run by the installed tool: its tasks must start the installed genomic-code, not a build tree's.
cat > "$work/study.json" <<JSON
{ "name": "consumer", "preset": "quickstart", "steps": 2,
  "set": { "model.latentSize": 3, "model.hiddenSize": 32, "training.batchSize": 8, "training.device": "cpu" },
  "grid": [ { "path": "model.beta", "values": [1, 4] } ],
  "measurements": [ { "kind": "evaluate", "options": { "metrics": ["mig"], "numTrain": 100, "numTest": 50 } } ] }
JSON
dry="$("$work/tools/genomic-code" study run "$work/study.json" --executor slurm --dry-run --out "$work/study" 2>&1)" \
  || { echo "$dry"; echo "consumer: genomic-code study run --dry-run FAILED"; exit 1; }
# (the installed tool's own executable: the shim in the tool path, or the apphost it starts in the tool store)
grep -Eq "^exec $work/tools/(\.store/.*/)?genomic-code study task " <<<"$dry" || { echo "$dry"; echo "consumer: the Slurm script does not start the installed tool"; exit 1; }
study="$("$work/tools/genomic-code" study run "$work/study.json" --executor local --parallel 2 --out "$work/study" 2>&1)" \
  || { echo "$study"; echo "consumer: genomic-code study run FAILED"; exit 1; }
[ "$(grep -c ',done,' "$work/study/study.csv")" = "2" ] || { echo "$study"; echo "consumer: the study did not finish its 2 runs"; exit 1; }
echo "consumer: OK (a 2-run study run locally by the installed tool; its Slurm script starts the installed tool)"
