# Sourced by the engine scripts: which container engine, and its settings.
# HERMES_ENGINE picks it: podman (default) or docker (DOCKER_HOST says which daemon).
ENGINE=${HERMES_ENGINE:-podman}
if [ "$ENGINE" = docker ]; then
  # Debian's docker.io client: its `docker build` has BuildKit built in, where a newer
  # client without the buildx plugin refuses DOCKER_BUILDKIT=1. HERMES_DOCKER names another.
  ENGINE=${HERMES_DOCKER:-/usr/bin/docker}
  export DOCKER_BUILDKIT=1
fi
# Builds run offline (dockerd here has no bridge network; nothing needs one).
BUILD=(build -q --network=none)
if [ "$ENGINE" = podman ] && [ -z "${CONTAINERS_CONF:-}" ]; then
  CONTAINERS_CONF=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/containers.conf
  export CONTAINERS_CONF
fi
S6_VERSIONS=${S6_VERSIONS:-3.2.3.0 3.2.3.2}
# The image without s6-overlay (plain/) starts from this Debian base.
BASE_IMAGE=localhost/hermes-test/debian:bookworm
# The release whose published image the "before" images stand in for: they are built from
# its own files in ../shared/upstream/hermes-agent-VERSION (release/build.sh).
HERMES_AGENT_VERSION=${HERMES_AGENT_VERSION:-0.19.0}
UPSTREAM=${HERMES_UPSTREAM:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)/shared/upstream}
RELEASE_DIR=$UPSTREAM/hermes-agent-$HERMES_AGENT_VERSION
# with the real CLI: the release stand-in; with the probe as hermes (probe/); ours FROM each
before_cli_image() { echo "localhost/hermes-test/before-cli:$1"; }
before_image() { echo "localhost/hermes-test/before:$1"; }
ours_image() { echo "localhost/hermes-test/ours:$1"; }
ours_cli_image() { echo "localhost/hermes-test/ours-cli:$1"; }
