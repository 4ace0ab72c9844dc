#!/usr/bin/env bash
#
# probe.sh - liveness / readiness / startup probe for the database container.
#
# Runs as an exec probe in the database container:
#   bash /scripts/probe.sh alive   # liveness and startup: admin ping
#   bash /scripts/probe.sh ready   # readiness: a real query (SELECT 1)
# Both talk TCP to MYSQL_HOST:MYSQL_PORT. `alive` succeeds whenever the
# server responds at all (mysqladmin ping treats "access denied" as alive);
# `ready` needs a successful login and query. Credentials come from an
# option file in a private temporary directory, removed on exit.
#
# Env (set by the construct): MYSQL_FLAVOR, MYSQL_HOST, MYSQL_PORT,
#      MYSQL_ROOT_PASSWORD (root logs in), CONNECT_TIMEOUT; TMPDIR (/tmp, not
#      passed by the construct).
set -euo pipefail

# shellcheck source-path=SCRIPTDIR
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

load_flavor
load_local_server
require_env CONNECT_TIMEOUT
require_uint CONNECT_TIMEOUT "$CONNECT_TIMEOUT"
mode=${1:-}
case "$mode" in
  alive | ready) ;;
  *) die "usage: probe.sh alive|ready" ;;
esac

init_cleanup
make_admin_defaults
if [[ "$mode" == alive ]]; then
  "$ADMIN" "--defaults-extra-file=$ADMIN_DEFAULTS" --protocol=TCP \
    "--host=$MYSQL_HOST" "--port=$MYSQL_PORT" "--connect-timeout=$CONNECT_TIMEOUT" ping >/dev/null \
    || die "$MYSQL_HOST:$MYSQL_PORT does not answer a ping"
else
  server_answers >/dev/null || die "$MYSQL_HOST:$MYSQL_PORT does not answer SELECT 1"
fi
