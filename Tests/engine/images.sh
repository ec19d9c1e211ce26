#!/usr/bin/env bash
# Builds the engine-test images with podman (or HERMES_ENGINE=docker, where the "before"
# images and the Debian base are moved from podman with `podman save | docker load` when
# podman has them, as a user pulls the published image, and ours are built with
# `docker build`):
#   localhost/hermes-test/before-cli:VERSION  the published image of hermes-agent
#                                           HERMES_AGENT_VERSION as its own files build it
#                                           (release/build.sh: its Dockerfile step by step,
#                                           offline), on real s6-overlay VERSION
#   localhost/hermes-test/before:VERSION    the same with the probe as hermes (probe/)
#   localhost/hermes-test/ours:VERSION      this repository's Dockerfile FROM before, with the
#                                           shipped binaries from dist/
#   localhost/hermes-test/ours-runtime-init:VERSION   the same, --target runtime-init
#   localhost/hermes-test/ours-cli:VERSION  this repository's Dockerfile FROM before-cli
# for each VERSION in S6_VERSIONS (default 3.2.3.0 3.2.3.2);
#   localhost/hermes-test/before-cli-RELEASE:VERSION, ours-cli-RELEASE:VERSION
#                                           the same of each other release in CLI_RELEASES
#                                           (engine.sh: the oldest), on the first VERSION; and
#   localhost/hermes-test/debian:bookworm   Debian minbase + python3-venv (mmdebstrap), once
#   localhost/hermes-test/plain:latest      no s6-overlay: Debian, hermes, the venv, the
#                                           binaries, ENTRYPOINT hermes-init (plain/)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=/dev/null
. "$here/engine.sh"

[ -f "$RELEASE_DIR/Dockerfile" ] || { echo "images: no release files in $RELEASE_DIR" >&2; exit 1; }
# Under Docker, the images podman has and Docker lacks move in one archive (shared
# layers once); the "before" images are built with podman only (release/build.sh).
if [ "$ENGINE" != podman ]; then
  move=()
  first=${S6_VERSIONS%% *}
  for img in "$BASE_IMAGE" $(for v in $S6_VERSIONS; do before_image "$v"; before_cli_image "$v"; done) \
      $(for r in $CLI_RELEASES; do [ "$r" = "$HERMES_AGENT_VERSION" ] || before_cli_image "$first" "$r"; done); do
    if ! podman image exists "$img" 2>/dev/null; then
      echo "images: $img is missing in podman: run scripts/test-engine.sh first" >&2
      exit 1
    fi
    $ENGINE image inspect "$img" >/dev/null 2>&1 || move+=("$img")
  done
  if [ ${#move[@]} -gt 0 ]; then
    echo "images: ${move[*]} from podman" >&2
    podman save -m "${move[@]}" | $ENGINE load -q >/dev/null
  fi
fi
if ! $ENGINE image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
  echo "images: making $BASE_IMAGE with mmdebstrap" >&2
  mmdebstrap --quiet --variant=minbase --include=python3-minimal,python3-venv,procps bookworm - \
    | $ENGINE import - "$BASE_IMAGE" >/dev/null
fi
if [ ! -x "$repo/dist/hermes-init" ] || [ ! -x "$repo/dist/privdrop" ]; then
  "$repo/scripts/build-embedded.sh" "$repo/dist"
fi
for v in $S6_VERSIONS; do
  if [ "$ENGINE" = podman ]; then
    "$here/release/build.sh" "$RELEASE_DIR" "$v" "$(before_cli_image "$v")"
    echo "images: $(before_image "$v")" >&2
    $ENGINE "${BUILD[@]}" -f "$here/probe/Containerfile" --build-arg "BASE=$(before_cli_image "$v")" \
      -t "$(before_image "$v")" "$here/probe" >/dev/null
  fi
  echo "images: $(ours_image "$v")" >&2
  $ENGINE "${BUILD[@]}" -f "$repo/Dockerfile" --build-arg "HERMES_BASE_IMAGE=$(before_image "$v")" \
    --build-arg BINARIES=prebuilt -t "$(ours_image "$v")" "$repo" >/dev/null
  $ENGINE "${BUILD[@]}" -f "$repo/Dockerfile" --build-arg "HERMES_BASE_IMAGE=$(before_image "$v")" \
    --build-arg BINARIES=prebuilt --target runtime-init \
    -t "localhost/hermes-test/ours-runtime-init:$v" "$repo" >/dev/null
  echo "images: $(ours_cli_image "$v")" >&2
  $ENGINE "${BUILD[@]}" -f "$repo/Dockerfile" --build-arg "HERMES_BASE_IMAGE=$(before_cli_image "$v")" \
    --build-arg BINARIES=prebuilt -t "$(ours_cli_image "$v")" "$repo" >/dev/null
done
# The other releases of CLI_RELEASES, with the real CLI, on the first s6-overlay version
# (the one every s6-era release pins): the stand-in of the release and ours FROM it.
v=${S6_VERSIONS%% *}
for r in $CLI_RELEASES; do
  [ "$r" != "$HERMES_AGENT_VERSION" ] || continue
  if [ "$ENGINE" = podman ]; then
    "$here/release/build.sh" "$(release_dir "$r")" "$v" "$(before_cli_image "$v" "$r")"
  fi
  echo "images: $(ours_cli_image "$v" "$r")" >&2
  $ENGINE "${BUILD[@]}" -f "$repo/Dockerfile" --build-arg "HERMES_BASE_IMAGE=$(before_cli_image "$v" "$r")" \
    --build-arg BINARIES=prebuilt -t "$(ours_cli_image "$v" "$r")" "$repo" >/dev/null
done
ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
cp "$here/plain/Containerfile" "$here/probe/report.py" "$repo/dist/hermes-init" "$repo/dist/privdrop" "$ctx/"
echo "images: localhost/hermes-test/plain:latest" >&2
$ENGINE "${BUILD[@]}" -f "$ctx/Containerfile" --build-arg "BASE=$BASE_IMAGE" -t localhost/hermes-test/plain:latest "$ctx" >/dev/null
