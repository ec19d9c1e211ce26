#!/bin/sh
# Registers static s6-rc services in the user bundle the installed s6-overlay reads,
# decided from the version /package/admin/s6-overlay links to (s6-overlay-VERSION):
#   3.2.3.0 and older: /etc/s6-overlay/s6-rc.d/user/contents.d, the published layout
#     (these versions never read user-bundles.d);
#   3.2.3.1 and newer: /etc/s6-overlay/user-bundles.d/user/contents.d, and s6-rc.d/user
#     and s6-rc.d/user2 go (their entries move along): while s6-rc.d/user exists these
#     versions ignore user-bundles.d and write s6-rc.d/user/type at boot, which hangs
#     boot under `docker run --user`.
# Fails, changing nothing, when the version cannot be told.
#   register-services.sh SERVICE...        (ROOT=DIR works on an image root at DIR)
set -eu
root=${ROOT:-}
fail() { echo "register-services: fatal: $*" >&2; exit 1; }
[ $# -gt 0 ] || fail "usage: register-services.sh SERVICE..."
link=$(readlink "$root/package/admin/s6-overlay" 2>/dev/null) \
  || fail "cannot tell the s6-overlay version: $root/package/admin/s6-overlay is not a link to s6-overlay-VERSION"
version=${link##*/}
version=${version#s6-overlay-}
case $version in
  *[!0-9.]*|.*|*.|*..*|"") fail "cannot tell the s6-overlay version from the link target '$link'" ;;
esac
# Compare VERSION with 3.2.3.1, part by part (missing parts are 0).
newer=$(echo "$version" | awk -F. '{
  split("3.2.3.1", ref, ".")
  for (i = 1; i <= 4; i++) { a = ($i == "" ? 0 : $i) + 0; if (a != ref[i]) { print (a > ref[i]) ? 1 : 0; exit } }
  print 1 }')
etc=$root/etc/s6-overlay
for s in "$@"; do
  [ -d "$etc/s6-rc.d/$s" ] || fail "no service definition $etc/s6-rc.d/$s"
done
if [ "$newer" = 1 ]; then
  for b in user user2; do
    mkdir -p "$etc/user-bundles.d/$b/contents.d"
    [ -f "$etc/user-bundles.d/$b/type" ] || echo bundle > "$etc/user-bundles.d/$b/type"
    if [ -d "$etc/s6-rc.d/$b/contents.d" ]; then
      for e in "$etc/s6-rc.d/$b/contents.d"/* "$etc/s6-rc.d/$b/contents.d"/.[!.]*; do
        [ -e "$e" ] || continue
        mv -f "$e" "$etc/user-bundles.d/$b/contents.d/"
      done
    fi
    rm -rf "${etc:?}/s6-rc.d/$b"
  done
  dir=$etc/user-bundles.d/user/contents.d
else
  mkdir -p "$etc/s6-rc.d/user/contents.d"
  [ -f "$etc/s6-rc.d/user/type" ] || echo bundle > "$etc/s6-rc.d/user/type"
  dir=$etc/s6-rc.d/user/contents.d
fi
for s in "$@"; do : > "$dir/$s"; done
echo "register-services: s6-overlay $version: $* in ${dir#"$root"}"
