#!/bin/sh
# The s6-era /opt/hermes/bin/hermes (docker exec shim), written to the contract.
venv_hermes=/opt/hermes/.venv/bin/hermes
if [ ! -x "$venv_hermes" ]; then
  echo "hermes-shim: $venv_hermes not found" >&2
  exit 127
fi
if [ "$(id -u)" != 0 ]; then
  exec "$venv_hermes" "$@"
fi
case "${HERMES_DOCKER_EXEC_AS_ROOT-}" in
  1|true|TRUE|True|yes|YES|Yes) exec "$venv_hermes" "$@" ;;
esac
if [ ! -x /command/s6-setuidgid ]; then
  echo "hermes-shim: /command/s6-setuidgid not found; refusing to run as root" >&2
  exit 126
fi
export HOME=/opt/data
exec /command/s6-setuidgid hermes "$venv_hermes" "$@"
