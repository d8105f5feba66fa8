#!/usr/bin/env bash
# Consumer check: pack GenomicCode into a local folder, build a fresh console project outside this repository that
# references it (plus TorchSharp-cpu) as a user would, train a few steps and compute a metric. On Debian 12 /
# Ubuntu 22.04 this only works if the native-load fix travels with the package (buildTransitive).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
# A version no earlier run used, so NuGet's global cache can never serve a stale package of the same version;
# the extracted copy is removed from the cache again at the end.
version="0.0.0-consumer.$(date +%s).$$"
cache="${NUGET_PACKAGES:-$HOME/.nuget/packages}/genomiccode/$version"
trap 'rm -rf "$work" "$cache"' EXIT
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
