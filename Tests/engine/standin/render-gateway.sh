#!/bin/sh
# The s6-era gateway slot, as the Python service manager rendered it (contract section
# 3.1): with-contenv, then s6-setuidgid. For the before/after gateway benchmark.
#   render-gateway.sh PROFILE [SCANDIR]
set -eu
profile=$1
scandir=${2:-/run/service}
tmp=$scandir/.gateway-$profile.tmp
rm -rf "$tmp"
mkdir -p "$tmp/log"
if [ "$profile" = default ]; then cmd="hermes gateway run --replace"; else cmd="hermes -p '$profile' gateway run --replace"; fi
echo longrun > "$tmp/type"
cat > "$tmp/run" <<RUN
#!/command/with-contenv sh
# shellcheck shell=sh
set -e
export HOME=/opt/data
cd /opt/data
export HERMES_S6_SUPERVISED_CHILD=1
export HERMES_SUPERVISED_CHILD=1
[ "\$(id -u)" = 0 ] || exec $cmd
exec s6-setuidgid hermes $cmd
RUN
cat > "$tmp/finish" <<'FINISH'
#!/command/with-contenv sh
# shellcheck shell=sh
[ "$1" = "78" ] && exit 125
[ "$1" = "0" ] && exit 125
exit 0
FINISH
cat > "$tmp/log/run" <<LOG
#!/command/with-contenv sh
# shellcheck shell=sh
: "\${HERMES_HOME:=/opt/data}"
log_dir="\$HERMES_HOME/logs/gateways/$profile"
if [ "\$(id -u)" = 0 ]; then
  s6-setuidgid hermes mkdir -p "\$log_dir"
  s6-setuidgid hermes rm -f "\$log_dir/lock"
  exec s6-setuidgid hermes s6-log 1 n10 s1000000 T "\$log_dir"
fi
mkdir -p "\$log_dir"
rm -f "\$log_dir/lock"
exec s6-log 1 n10 s1000000 T "\$log_dir"
LOG
chmod 0755 "$tmp/run" "$tmp/finish" "$tmp/log/run"
rm -rf "$scandir/gateway-$profile"
mv "$tmp" "$scandir/gateway-$profile"
