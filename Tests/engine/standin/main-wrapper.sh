#!/bin/sh
# The s6-era main-wrapper.sh, written to the behavioural contract (rules R1-R12): the
# "before" in the differential tests. Re-execs through with-contenv when /init scrubbed
# the environment, refuses arbitrary --user uids, sets HOME/HERMES_HOME, activates the
# venv, returns to the start directory, routes, and drops with s6-setuidgid.
set -e
if [ -z "${HERMES_MAIN_WRAPPER_ENV_READY:-}" ] && [ -z "${HERMES_HOME:-}" ] && [ -x /command/with-contenv ]; then
  export HERMES_MAIN_WRAPPER_ENV_READY=1
  exec /command/with-contenv sh "$0" "$@"
fi
unset HERMES_MAIN_WRAPPER_ENV_READY

cur_uid=$(id -u)
hermes_uid=$(id -u hermes)
if [ "$cur_uid" != 0 ] && [ "$cur_uid" != "$hermes_uid" ]; then
  {
    echo "[hermes] ERROR: container started with --user $cur_uid (an arbitrary, non-hermes UID) — not supported."
    echo "[hermes] Start the container as root and pass -e HERMES_UID=\$(id -u) -e HERMES_GID=\$(id -g) instead;"
    echo "[hermes] on NAS boxes use -e PUID=... -e PGID=.... The image remaps the hermes user and chowns the data volume."
  } >&2
  exit 1
fi

export HOME=/opt/data
export HERMES_HOME="${HERMES_HOME:-$HOME}"
_hermes_orig_cwd="${HERMES_ORIG_CWD:-$PWD}"
cd /opt/data
# shellcheck disable=SC1091
. /opt/hermes/.venv/bin/activate
cd "$_hermes_orig_cwd"

drop() {
  if [ "$(id -u)" = 0 ]; then
    exec s6-setuidgid hermes "$@"
  fi
  exec "$@"
}

if [ $# -eq 0 ]; then
  drop hermes
fi
if command -v "$1" >/dev/null 2>&1; then
  drop "$@"
fi
drop hermes "$@"
