# Sourced by the engine scripts: which container engine, and its settings.
# HERMES_ENGINE picks it: podman (default) or docker.
ENGINE=${HERMES_ENGINE:-podman}
if [ "$ENGINE" = podman ] && [ -z "${CONTAINERS_CONF:-}" ]; then
  CONTAINERS_CONF=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/containers.conf
  export CONTAINERS_CONF
fi
S6_VERSIONS=${S6_VERSIONS:-3.2.3.0 3.2.3.2}
BASE_IMAGE=localhost/hermes-test/debian:bookworm
before_image() { echo "localhost/hermes-test/before:$1"; }
ours_image() { echo "localhost/hermes-test/ours:$1"; }
