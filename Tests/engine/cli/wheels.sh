#!/usr/bin/env bash
# The wheel cache the real-CLI images install from: hermes-agent (HERMES_AGENT_VERSION,
# default 0.19.0) and aiohttp (the API server platform, from its [messaging] extra),
# with every dependency, downloaded once per machine by pip inside the Debian base
# image (so the wheels fit its Python 3.11 and glibc). Prints the cache directory.
# HERMES_WHEEL_CACHE overrides where it lives (default /var/cache/hermes-test).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=/dev/null
. "$here/../engine.sh"
version=${HERMES_AGENT_VERSION:-0.19.0}
cache=${HERMES_WHEEL_CACHE:-/var/cache/hermes-test}/wheels-hermes-agent-$version
if [ -f "$cache/.complete" ]; then
  echo "$cache"
  exit 0
fi
echo "wheels: downloading hermes-agent==$version and aiohttp into $cache (once per machine)" >&2
rm -rf "$cache.partial"
mkdir -p "$cache.partial"
# The host's trust store goes in with it: where PyPI is reached through a proxy with its
# own certificate authority, the host's pip trusts it through that store.
ca=${PIP_CERT:-/etc/ssl/certs/ca-certificates.crt}
$ENGINE run --rm --network host -v "$cache.partial:/wheels" -v "$ca:/tmp/ca.crt:ro" "$BASE_IMAGE" sh -ec "
  python3 -m venv /tmp/dl
  /tmp/dl/bin/pip download -q --disable-pip-version-check --cert /tmp/ca.crt -d /wheels \
    'hermes-agent==$version' 'aiohttp==3.14.1'" >&2
ls "$cache.partial/hermes_agent-$version-"*.whl >/dev/null
touch "$cache.partial/.complete"
rm -rf "$cache"
mv "$cache.partial" "$cache"
echo "$cache"
