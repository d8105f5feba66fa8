#!/usr/bin/env bash
# Installs what the notebooks need in Jupyter: Debian's Jupyter (nbconvert, jupyter-client) and the .NET Interactive
# kernel (the dotnet tool Microsoft.dotnet-interactive at a pinned version) in a folder of its own, then registers the
# .NET kernels for this user with the tool's absolute path, so they start whatever PATH holds (the kernel specs that
# `dotnet interactive jupyter install` writes run "dotnet interactive", which only works with the dotnet tools folder
# on PATH).
#
#   bash notebooks/jupyter/setup.sh            # then: jupyter kernelspec list   (shows .net-csharp)
#
# Environment: GENOMICCODE_DOTNET_INTERACTIVE_VERSION (default 1.0.712001), GENOMICCODE_JUPYTER_TOOLS (the tool's
# folder; default ~/.local/share/genomic-code/dotnet-interactive/VERSION). Installing the Debian packages needs root;
# as another user the script names the apt-get command and stops when they are missing. Running it again is a no-op
# apart from re-registering the kernel specs.
set -euo pipefail

version="${GENOMICCODE_DOTNET_INTERACTIVE_VERSION:-1.0.712001}"
tools="${GENOMICCODE_JUPYTER_TOOLS:-${XDG_DATA_HOME:-$HOME/.local/share}/genomic-code/dotnet-interactive/$version}"
packages=(jupyter-nbconvert jupyter-client)

if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: the .NET 10 SDK is not installed; see https://dot.net (Debian/Ubuntu: apt-get install dotnet-sdk-10.0)." >&2
  exit 2
fi

# 1. Jupyter from Debian: nbconvert 6.5 (the executor, jupyter nbconvert --execute) and jupyter-client 7.4 (kernel specs).
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" != "0" ]; then
    echo "error: Jupyter is missing (${missing[*]}); install it with: sudo apt-get install ${missing[*]}" >&2
    exit 2
  fi
  echo "jupyter: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q "${missing[@]}" >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q "${missing[@]}" >/dev/null; }
fi

# 2. The kernel, as a dotnet tool in its own folder (no global tool, nothing on PATH).
if [ ! -x "$tools/dotnet-interactive" ] || ! dotnet tool list --tool-path "$tools" | grep -qi "microsoft.dotnet-interactive *$version"; then
  echo "jupyter: installing Microsoft.dotnet-interactive $version into $tools"
  rm -rf "$tools"
  dotnet tool install Microsoft.dotnet-interactive --version "$version" --tool-path "$tools" >/dev/null
fi

# 3. Kernel specs: written by the tool into a staging folder, pointed at the tool's absolute path, then registered
#    for this user (~/.local/share/jupyter/kernels) with jupyter's own installer.
staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT
"$tools/dotnet-interactive" jupyter install --path "$staging" >/dev/null
python3 - "$staging" "$tools/dotnet-interactive" "$(dirname "$(readlink -f "$(command -v dotnet)")")" <<'PY'
import json, pathlib, sys
staging, tool, dotnet_root = pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3]
for spec in sorted(staging.glob("*/kernel.json")):
    data = json.loads(spec.read_text())
    argv = data["argv"]
    if argv[:2] != ["dotnet", "interactive"]:
        sys.exit(f"error: unexpected kernel command in {spec}: {argv[:2]}")
    data["argv"] = [tool] + argv[2:]
    # The tool's launcher finds the runtime through DOTNET_ROOT when dotnet is not in a default place.
    data["env"] = {"DOTNET_ROOT": dotnet_root, "DOTNET_CLI_TELEMETRY_OPTOUT": "1", "DOTNET_NOLOGO": "1"}
    spec.write_text(json.dumps(data, indent=2) + "\n")
PY
for spec in "$staging"/.net-*; do
  jupyter kernelspec install --user --replace --name "$(basename "$spec")" "$spec" >/dev/null 2>&1
done

csharp="$(jupyter kernelspec list 2>/dev/null | awk '$1 == ".net-csharp" { print $2 }')"
if [ -z "$csharp" ]; then
  echo "error: the .net-csharp kernel spec was not registered (jupyter kernelspec list does not show it)." >&2
  exit 1
fi
echo "jupyter: $(jupyter nbconvert --version 2>/dev/null | sed 's/^/nbconvert /'), kernel .net-csharp ($csharp) runs $tools/dotnet-interactive $version"
