#!/bin/sh
# Stand-in for the published stage2-hook.sh (contract section 2.3), the parts the tests
# touch: the --user check, the HERMES_UID/HERMES_GID (or PUID/PGID) remap of hermes,
# $HERMES_HOME, and a value written into the container environment after /init started.
set -e
cur=$(id -u)
if [ "$cur" != 0 ]; then
  if [ "$cur" != "$(id -u hermes)" ]; then
    echo "[stage2] ERROR: container started with --user $cur (an arbitrary, non-hermes UID) — not supported." >&2
    exit 1
  fi
  exit 0
fi
uid=${HERMES_UID:-${PUID:-}}
gid=${HERMES_GID:-${PGID:-}}
valid() {
  case $1 in ''|*[!0-9]*) return 1 ;; esac
  [ "$1" -ge 1 ] && [ "$1" -le 65534 ]
}
if valid "$gid" && [ "$gid" != "$(id -g hermes)" ]; then
  echo "[stage2] Changing hermes GID to $gid"
  groupmod -o -g "$gid" hermes || true
fi
if valid "$uid" && [ "$uid" != "$(id -u hermes)" ]; then
  echo "[stage2] Changing hermes UID to $uid"
  usermod -o -u "$uid" hermes
fi
mkdir -p "$HERMES_HOME" "$HERMES_HOME/logs/gateways"
chown hermes:hermes "$HERMES_HOME" "$HERMES_HOME/logs" "$HERMES_HOME/logs/gateways"
mkdir -p /run/hermes-standin
chown hermes:hermes /run/hermes-standin
printf '%s\n' /usr/bin/chromium > /run/s6/container_environment/AGENT_BROWSER_EXECUTABLE_PATH
echo "[stage2] Setup complete; starting user services"
