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
# The supported hermes-agent releases (docker/hermes-agent/releases). The "before" images
# stand in for the published image of a release: they are built from its own files in
# ../shared/upstream/hermes-agent-GLUE (release/build.sh). HERMES_AGENT_VERSION, the newest
# by default, is the release of every suite; CLI_RELEASES (default: the oldest and the
# newest) are built with the real CLI on the first s6-overlay version, where the real-CLI
# scenarios and the release's own tests/docker run.
RELEASES_FILE=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/docker/hermes-agent/releases
releases() { awk '!/^#/ && NF { print $1 }' "$RELEASES_FILE"; }
HERMES_AGENT_VERSION=${HERMES_AGENT_VERSION:-$(releases | tail -1)}
CLI_RELEASES=${CLI_RELEASES:-$(releases | head -1) $HERMES_AGENT_VERSION}
export HERMES_AGENT_VERSION CLI_RELEASES
UPSTREAM=${HERMES_UPSTREAM:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)/shared/upstream}
# The release's files: its glue's folder (0.15.2 ships 0.15.1's).
release_dir() { echo "$UPSTREAM/hermes-agent-$(awk -v v="$1" '!/^#/ && $1 == v { print $3 }' "$RELEASES_FILE")"; }
RELEASE_DIR=$(release_dir "$HERMES_AGENT_VERSION")
# with the real CLI: the release stand-in; with the probe as hermes (probe/); ours FROM each.
# The CLI images of a release other than HERMES_AGENT_VERSION carry it in their name.
cli_suffix() { [ "${1:-$HERMES_AGENT_VERSION}" = "$HERMES_AGENT_VERSION" ] || echo "-$1"; }
before_cli_image() { echo "localhost/hermes-test/before-cli$(cli_suffix "${2:-}"):$1"; }
before_image() { echo "localhost/hermes-test/before:$1"; }
ours_image() { echo "localhost/hermes-test/ours:$1"; }
ours_cli_image() { echo "localhost/hermes-test/ours-cli$(cli_suffix "${2:-}"):$1"; }
