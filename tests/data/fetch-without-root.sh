#!/usr/bin/env bash
# Fetches every real data set as the user nobody (no root) with the built CLI into a fresh folder, twice: the first
# run must fetch and check the files, the second must find them and do nothing. Runs only as root (to become nobody).
set -euo pipefail
cd "$(dirname "$0")/../.."

cli=src/GenomicCode.Cli/bin/Debug/net10.0/genomic-code.dll
if [ "$(id -u)" != "0" ]; then echo "data without root: skipped (this run is not root, so the test run above was the non-root case)"; exit 0; fi
if ! command -v setpriv >/dev/null || ! id nobody >/dev/null 2>&1; then echo "data without root: skipped (no setpriv or no user nobody)"; exit 0; fi
if [ ! -f "$cli" ]; then echo "data without root: $cli is missing; build the tests first"; exit 1; fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/home"
chown -R nobody "$work"
chmod 755 "$work"
as_nobody() { setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups env -i PATH=/usr/bin:/bin HOME="$work/home" DOTNET_CLI_HOME="$work/home" "$@"; }
if ! as_nobody test -r "$cli"; then echo "data without root: skipped (the user nobody cannot read $cli)"; exit 0; fi

for name in fashion-mnist mnist emoji; do
  start=$(date +%s%N)
  first=$(as_nobody dotnet "$cli" data get "$name" --data-dir "$work/cache" --source download 2>&1) || { echo "$first"; exit 1; }
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  grep -q "checked and moved into" <<<"$first" || { echo "data without root: $name was not fetched:"; echo "$first"; exit 1; }
  second=$(as_nobody dotnet "$cli" data get "$name" --data-dir "$work/cache" 2>&1) || { echo "$second"; exit 1; }
  grep -q "already present and verified" <<<"$second" || { echo "data without root: the second fetch of $name was not a no-op:"; echo "$second"; exit 1; }
  echo "data without root: $name fetched as nobody in $((ms / 1000)).$((ms % 1000 / 100)) s, second fetch a no-op"
done
