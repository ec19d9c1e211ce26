#!/usr/bin/env bash
# What a release stand-in installs in place of `uv sync` and the source tree: the release's
# sdist (its source tree) and wheels of hermes-agent with the extras its Dockerfile's
# `uv sync` names, with every dependency (a dependency with no wheel is built into one
# here), made once per machine by pip inside the release's base image, so that they fit
# its Python and C library. Prints the cache directory.
#   wheels.sh RELEASE_DIR BASE_IMAGE
# HERMES_WHEEL_CACHE overrides where the caches live (default /var/cache/hermes-test).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=/dev/null
. "$here/../engine.sh"
release=$1 base=$2
version=$(python3 -c 'import re,sys; print(re.search(r"^version\s*=\s*\"([^\"]+)\"", open(sys.argv[1]).read(), re.M).group(1))' "$release/pyproject.toml")
extras=$(python3 "$here/offline.py" --extras "$release")
cache=${HERMES_WHEEL_CACHE:-/var/cache/hermes-test}/release-$version
if [ -f "$cache/.complete" ]; then
  echo "$cache"
  exit 0
fi
echo "release-wheels: hermes-agent[$extras]==$version into $cache (once per machine)" >&2
rm -rf "$cache.partial"
mkdir -p "$cache.partial/wheels" "$cache.partial/sdist"
# The host's trust store goes in with it: where PyPI is reached through a proxy with its
# own certificate authority, the host's pip trusts it through that store.
ca=${PIP_CERT:-/etc/ssl/certs/ca-certificates.crt}
$ENGINE run --rm --network host -v "$cache.partial:/cache" -v "$ca:/tmp/ca.crt:ro" "$base" sh -ec "
  python3 -m venv /tmp/dl
  /tmp/dl/bin/pip download -q --disable-pip-version-check --cert /tmp/ca.crt --no-deps --no-binary :all: \
    -d /cache/sdist 'hermes-agent==$version'
  /tmp/dl/bin/pip wheel -q --disable-pip-version-check --cert /tmp/ca.crt -w /cache/wheels \
    'hermes-agent[$extras]==$version' 'setuptools>=77.0,<83'" >&2
ls "$cache.partial/sdist/hermes_agent-$version.tar.gz" "$cache.partial/wheels/hermes_agent-$version-"*.whl >/dev/null
touch "$cache.partial/.complete"
rm -rf "$cache"
mv "$cache.partial" "$cache"
echo "$cache"
