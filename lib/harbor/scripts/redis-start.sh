#!/bin/sh
#
# redis-start.sh - start Harbor's bundled Redis (Valkey) with a password, kept off the command line.
#
# Runs as the Redis container's command (goharbor/valkey-photon, or redis-photon before v2.15.2):
#   sh /scripts/redis-start.sh
# Writes `requirepass` into a private file in REDIS_AUTH_DIR (a memory emptyDir), drops the
# password from the environment and execs redis-server with the image's config plus that file, so
# the password shows up neither in `ps` nor in the server's environment. It uses shell builtins
# only (besides the server), so it needs nothing else from the image.
#
# Env: REDIS_PASSWORD (required, from the operator's Secret), REDIS_AUTH_DIR (/run/redis-auth),
#      REDIS_CONFIG (/etc/redis.conf).
set -eu

if [ -z "${REDIS_PASSWORD:-}" ]; then
  echo "redis-start.sh: REDIS_PASSWORD is empty: create the Secret key documented in docs/harbor.md" >&2
  exit 1
fi
auth_dir=${REDIS_AUTH_DIR:-/run/redis-auth}
umask 077
case "$REDIS_PASSWORD" in
  *'
'*)
    echo "redis-start.sh: REDIS_PASSWORD contains a line break, which a Redis config line cannot hold" >&2
    exit 1
    ;;
esac
# Redis config strings: backslash and double quote are escaped inside double quotes. Shell builtins
# only (the image is not known to ship sed): one character at a time.
rest=$REDIS_PASSWORD
escaped=
while [ -n "$rest" ]; do
  char=${rest%"${rest#?}"}
  rest=${rest#?}
  case "$char" in
    "\\" | '"') escaped="$escaped\\$char" ;;
    *) escaped="$escaped$char" ;;
  esac
done
printf 'requirepass "%s"\n' "$escaped" >"$auth_dir/auth.conf"
unset REDIS_PASSWORD escaped rest char
# Harbor's image runs Valkey since v2.15.2 (goharbor/valkey-photon) and Redis before (redis-photon);
# both read the same config and `--include`.
if command -v valkey-server >/dev/null 2>&1; then server=valkey-server; else server=redis-server; fi
exec "$server" "${REDIS_CONFIG:-/etc/redis.conf}" --include "$auth_dir/auth.conf"
