#!/usr/bin/env bash
# Sets up GenomicCode on a fresh machine and runs the main job: restores and builds everything (the .NET SDK is
# the only prerequisite; NuGet brings TorchSharp, libtorch and the rest), then trains the quickstart genome VAE on the
# built-in sprites world. Extra arguments go to `genomic-code train`, e.g. ./setup.sh --steps 500 --out runs/short
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: the .NET 10 SDK is not installed; see https://dot.net (Debian/Ubuntu: apt-get install dotnet-sdk-10.0)." >&2
  exit 2
fi
dotnet build src/GenomicCode.Cli -c Release --nologo -v quiet
exec dotnet src/GenomicCode.Cli/bin/Release/net10.0/genomic-code.dll train --preset quickstart "$@"
