#!/bin/sh
#
# redis-start.sh - start Harbor's bundled Redis with a password, kept off the command line.
#
# Runs as the Redis container's command (goharbor/redis-photon):
#   sh /scripts/redis-start.sh
# Writes `requirepass` into a private file in REDIS_AUTH_DIR (a memory emptyDir), drops the
# password from the environment and execs redis-server with the image's config plus that file, so
# the password shows up neither in `ps` nor in redis-server's environment.
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
# Redis config strings: backslash and double quote are escaped inside double quotes.
escaped=$(printf '%s' "$REDIS_PASSWORD" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g')
printf 'requirepass "%s"\n' "$escaped" >"$auth_dir/auth.conf"
unset REDIS_PASSWORD escaped
exec redis-server "${REDIS_CONFIG:-/etc/redis.conf}" --include "$auth_dir/auth.conf"
