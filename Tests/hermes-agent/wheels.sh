#!/usr/bin/env bash
# The wheel cache the patch's pytest venvs install from: every release that
# docker/hermes-agent/releases lists, with its dependencies, and pytest; downloaded once
# per machine by pip in a venv of this machine's python3 (the test venvs use it too; no
# python3-pip needed, only python3-venv, which scripts/setup.sh installs). A cache is
# complete for one list of releases: a new release makes a new cache. Prints its directory.
# HERMES_WHEEL_CACHE overrides where the caches live (default /var/cache/hermes-test).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
mapfile -t versions < <(awk '!/^#/ && NF { print $1 }' "$root/docker/hermes-agent/releases")
key=$(printf '%s\n' "${versions[@]}" "$(python3 -c 'import sys; print(sys.version_info[:2])')" | sha256sum | cut -c1-12)
cache=${HERMES_WHEEL_CACHE:-/var/cache/hermes-test}/pytest-releases-$key
if [ -f "$cache/.complete" ]; then
  echo "$cache"
  exit 0
fi
echo "wheels: downloading hermes-agent ${versions[*]} and pytest into $cache (once per machine)" >&2
rm -rf "$cache.partial"
mkdir -p "$cache.partial"
python3 -m venv "$cache.partial/.pip"
for v in "${versions[@]}"; do
  "$cache.partial/.pip/bin/pip" download -q --disable-pip-version-check -d "$cache.partial" "hermes-agent==$v" >&2
done
"$cache.partial/.pip/bin/pip" download -q --disable-pip-version-check -d "$cache.partial" 'pytest==9.0.3' >&2
rm -rf "$cache.partial/.pip"
touch "$cache.partial/.complete"
rm -rf "$cache"
mv "$cache.partial" "$cache"
echo "$cache"
