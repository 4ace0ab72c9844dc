#!/usr/bin/env bash
#
# drill.sh - prove that the latest backup restores: restore it into a
# throwaway data dir, start a server on it and check the tables.
#
# Runs in the restore drill CronJob's pod, in the database image (the server
# and the client), after the init container `restore.sh scratch` restored
# RESTORE_BACKUP from BACKUP_REPO_DIR into DATA_DIR (an emptyDir), with its
# checksum and version checks:
#   bash /scripts/drill.sh
# 1. Reads the restored backup's name (DATA_DIR/.restored-from) and manifest.
# 2. Starts the server on it with no network, no grant tables, no binary log
#    and no replication (a socket in a private directory).
# 3. Checks that the restored data is what the manifest describes (the binlog
#    coordinates in the restored info file), then for each table of
#    DRILL_TABLES (`db.table`, space-separated; every user table when empty)
#    runs CHECK TABLE and reports its row count and CHECKSUM TABLE.
# 4. Stops the server. The last log line is "drill PASSED ..." (exit 0) or
#    "drill FAILED ..." (exit 1).
#
# Env (set by the construct): MYSQL_FLAVOR, DATA_DIR, BACKUP_REPO_DIR,
#      DRILL_TABLES (may be empty), MYSQL_WAIT_SECONDS; TMPDIR (/tmp, not
#      passed by the construct).
set -euo pipefail

# shellcheck source-path=SCRIPTDIR
# shellcheck source=../../scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# shellcheck source-path=SCRIPTDIR source=backup-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/backup-common.sh"

load_flavor
require_env DATA_DIR BACKUP_REPO_DIR MYSQL_WAIT_SECONDS
require_env --may-be-empty DRILL_TABLES
require_uint MYSQL_WAIT_SECONDS "$MYSQL_WAIT_SECONDS"
for table in $DRILL_TABLES; do
  [[ "$table" =~ ^[A-Za-z0-9_$]+\.[A-Za-z0-9_$]+$ ]] || die "DRILL_TABLES entries must be <database>.<table>, got '$table'"
done
SERVER=mysqld
[[ "$MYSQL_FLAVOR" == mariadb ]] && SERVER=mariadbd
for tool in "$SERVER" "$CLIENT"; do
  command -v "$tool" >/dev/null 2>&1 || die "required tool '$tool' not found in PATH (the drill runs in the database image)"
done

failed() {
  log "drill FAILED: $*"
  exit 1
}

[[ -f "$DATA_DIR/.restored-from" && -d "$DATA_DIR/mysql" ]] || failed "$DATA_DIR holds no restored backup (did restore.sh scratch run first?)"
name=$(<"$DATA_DIR/.restored-from")
read_manifest "$BACKUP_REPO_DIR/$name/$BACKUP_MANIFEST_FILE"

info=$DATA_DIR/xtrabackup_binlog_info
[[ -f "$DATA_DIR/mariadb_backup_binlog_info" ]] && info=$DATA_DIR/mariadb_backup_binlog_info
parse_binlog_info "$info"
[[ "$BI_FILE:$BI_POS:$BI_GTID" == "$M_binlog_file:$M_binlog_position:$M_gtid" ]] \
  || failed "the restored data is at binlog $BI_FILE:$BI_POS gtid $BI_GTID, the manifest says $M_binlog_file:$M_binlog_position gtid $M_gtid"

init_cleanup
make_private_dir
socket=$PRIVATE_DIR/mysqld.sock
server_args=("$SERVER" --no-defaults "--datadir=$DATA_DIR" "--socket=$socket" "--pid-file=$PRIVATE_DIR/mysqld.pid"
  --skip-networking --skip-grant-tables --skip-log-bin "--log-error=$PRIVATE_DIR/error.log")
if [[ "$MYSQL_FLAVOR" == mariadb ]]; then server_args+=(--skip-slave-start); else server_args+=(--skip-replica-start); fi
# mysqld refuses to run as root unless told to.
if ((EUID == 0)); then server_args+=(--user=root); fi
log "starting $SERVER on the restored data (no network, no grant tables)"
"${server_args[@]}" &
server_pid=$!
stop_server() {
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
}
trap 'stop_server; _run_cleanup' EXIT

query() {
  printf '%s\n' "$1" | "$CLIENT" --no-defaults --protocol=SOCKET "--socket=$socket" --batch --skip-column-names
}
answers() {
  kill -0 "$server_pid" 2>/dev/null || return 0
  query 'SELECT 1' >/dev/null
}
wait_for "the restored server" "$MYSQL_WAIT_SECONDS" answers || failed "the server did not answer within ${MYSQL_WAIT_SECONDS}s"
kill -0 "$server_pid" 2>/dev/null || failed "the server exited on the restored data: $(tail -n 5 "$PRIVATE_DIR/error.log" 2>/dev/null | tr '\n' ' ')"

if [[ -z "$DRILL_TABLES" ]]; then
  DRILL_TABLES=$(query "SELECT CONCAT(table_schema, '.', table_name) FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('mysql', 'sys', 'information_schema', 'performance_schema') ORDER BY 1;") \
    || failed "cannot list the restored tables"
fi
problems=0 checked=0
for table in $DRILL_TABLES; do
  db=${table%%.*} tbl=${table#*.}
  quoted="\`$db\`.\`$tbl\`"
  status=$(query "CHECK TABLE $quoted;" 2>&1 | tail -n 1 | cut -f4) || status=''
  if [[ "$status" != OK ]]; then
    log "$table: CHECK TABLE: ${status:-no answer}"
    problems=$((problems + 1))
    continue
  fi
  rows=$(query "SELECT COUNT(*) FROM $quoted;")
  checksum=$(query "CHECKSUM TABLE $quoted;" | cut -f2)
  log "$table: check OK, rows $rows, checksum $checksum"
  checked=$((checked + 1))
done
((problems == 0)) || failed "$problems table(s) of backup $name did not check OK"
log "drill PASSED: backup $name ($M_engine $M_server_version, $M_created) restored, checksum verified, consistent at binlog $M_binlog_file:$M_binlog_position gtid ${M_gtid:-<none>}; $checked table(s) OK"
