#!/usr/bin/env bash
#
# switchover.sh - planned switchover: make member TARGET_ORDINAL the primary.
#
# Runs as the container of the switchover Job (database image), synthesized
# when `primary` is set:
#   bash /scripts/switchover.sh
# A Job whose target is no longer the declared primary (PRIMARY_ORDINAL, the
# topology ConfigMap, read when its container starts: a Job left from an
# earlier change) does nothing. Every step reads the servers' own state
# first, so a second run, or a run after a killed one, finishes the work or
# changes nothing:
# 1. Waits (MEMBER_WAIT_SECONDS) until the target answers.
# 2. When the target still replicates: it must be a healthy replica (both
#    replication threads running) of a member that answers and has no source
#    (the current primary); otherwise it stops, changing nothing.
#    The current primary is made read-only (MySQL: super_read_only) and its
#    client connections (every user but root, the replication user and the
#    server's own threads) are killed, so clients reconnect through the write
#    Service. Its GTID position is read, and the target waits until it has
#    applied all of it (MariaDB MASTER_GTID_WAIT, MySQL
#    WAIT_FOR_EXECUTED_GTID_SET), at most CATCH_UP_SECONDS. If it does not
#    catch up (or the script is stopped before the promotion) the old primary
#    is made writable again and the script fails: nothing is switched.
#    The target is promoted: replication stopped and reset, writable.
# 3. When the target has no source (promoted by this or an earlier run): any
#    other member without a source must be read-only and hold no transaction
#    the target lacks (else the script stops: two primaries are for a human to
#    resolve); the target is made writable.
# 4. Every other member that answers (the old primary included) replicates
#    from the target with GTID auto-positioning (a former primary from its own
#    GTID position). A member that does not answer follows the declared
#    primary when it next starts (sidecar.sh).
# The write Service selects the declared primary's pod: writes through it are
# refused by the read-only target until step 2 promotes it.
#
# Env (set by the construct): MYSQL_FLAVOR, MEMBER_HOST_TEMPLATE, MEMBERS,
#      TARGET_ORDINAL, PRIMARY_ORDINAL, MYSQL_PORT, MYSQL_ROOT_PASSWORD, REPLICATION_USER,
#      REPLICATION_PASSWORD, CATCH_UP_SECONDS, MEMBER_WAIT_SECONDS.
# Knobs the construct does not pass: SOURCE_CONNECT_RETRY (10),
#      CONNECT_TIMEOUT (5), LOG_EVERY_SECONDS (5), TMPDIR (/tmp).
set -euo pipefail

# shellcheck source-path=SCRIPTDIR
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

load_flavor
load_member_hosts
require_env MEMBERS TARGET_ORDINAL MYSQL_PORT REPLICATION_USER REPLICATION_PASSWORD CATCH_UP_SECONDS MEMBER_WAIT_SECONDS
SOURCE_CONNECT_RETRY=${SOURCE_CONNECT_RETRY:-10}
CONNECT_TIMEOUT=${CONNECT_TIMEOUT:-5}
for var in MEMBERS TARGET_ORDINAL MYSQL_PORT CATCH_UP_SECONDS MEMBER_WAIT_SECONDS SOURCE_CONNECT_RETRY CONNECT_TIMEOUT; do
  require_uint "$var" "${!var}"
done
TARGET=$((10#$TARGET_ORDINAL))
((TARGET < MEMBERS)) || die "TARGET_ORDINAL $TARGET is not a member (MEMBERS=$MEMBERS)"
load_primary
if ((PRIMARY != TARGET)); then
  log "the declared primary is member $PRIMARY, not this Job's target $TARGET (a Job left from an earlier change): nothing to do"
  exit 0
fi
replica_status_names
init_cleanup
make_admin_defaults

# SQL $2 as root on member $1; extra args go to the client.
member_sql() {
  local ordinal=$1 sql=$2
  shift 2
  sql_at "$(member_host "$ordinal")" "$sql" "--connect-timeout=$CONNECT_TIMEOUT" "$@"
}

# One value: the first column of the first row.
member_value() {
  member_sql "$1" "$2" --skip-column-names
}

member_answers() {
  member_value "$1" 'SELECT 1' >/dev/null
}

# Set STATUS (vertical replica status) and SOURCE (its source host, empty when
# none) of member $1; fails when it does not answer.
read_status() {
  STATUS=$(member_sql "$1" "$STATUS_SQL" --vertical) || return 1
  SOURCE=$(status_field "$STATUS" "$SOURCE_HOST_FIELD")
}

# The ordinal of member host $1, or nothing.
ordinal_of_host() {
  local i
  for ((i = 0; i < MEMBERS; i++)); do
    if [[ "$(member_host "$i")" == "$1" ]]; then
      echo "$i"
      return 0
    fi
  done
}

is_read_only() {
  [[ "$(member_value "$1" 'SELECT @@GLOBAL.read_only')" == 1 ]]
}

# The executed GTIDs of member $1: MariaDB's binlog position, MySQL's gtid_executed.
gtid_position() {
  if [[ "$MYSQL_FLAVOR" == mysql ]]; then
    member_value "$1" 'SELECT @@GLOBAL.gtid_executed' | tr -d '\n'
  else
    member_value "$1" 'SELECT @@GLOBAL.gtid_binlog_pos'
  fi
}

# Whether member $1 has applied GTID set $2, waiting at most $3 seconds. The
# client runs in the background: a SIGTERM (the Job's pod deleted) interrupts
# `wait` at once, and the EXIT trap restores the old primary.
has_applied() {
  local sql
  if [[ "$MYSQL_FLAVOR" == mysql ]]; then
    sql="SELECT WAIT_FOR_EXECUTED_GTID_SET($(sql_string "$2"), $3)"
  else
    sql="SELECT MASTER_GTID_WAIT($(sql_string "$2"), $3)"
  fi
  member_value "$1" "$sql" >"$PRIVATE_DIR/applied" &
  wait "$!" || return 1
  [[ "$(<"$PRIVATE_DIR/applied")" == 0 ]]
}

# Read-only, and no client of the application left on member $1.
demote() {
  local ids id
  member_sql "$1" "$(read_only_sql ON)" || die "making member $1 read-only failed"
  ids=$(member_value "$1" "SELECT ID FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID()
    AND USER NOT IN ('root', 'system user', 'event_scheduler', $(sql_string "$REPLICATION_USER"))
    AND COMMAND NOT LIKE 'Binlog Dump%' AND COMMAND <> 'Daemon'") || die "listing the clients of member $1 failed"
  for id in $ids; do
    # A client that has gone already is not an error.
    member_sql "$1" "KILL CONNECTION $id" 2>/dev/null || true
  done
  log "member $1 is read-only; $(wc -w <<<"$ids") client connection(s) closed"
}

# Restores the old primary when the script ends before the promotion.
OLD_PRIMARY='' PROMOTED=no
restore_old_primary() {
  if [[ -n "$OLD_PRIMARY" && $PROMOTED == no ]]; then
    if member_sql "$OLD_PRIMARY" "$(read_only_sql OFF)"; then
      log "member $OLD_PRIMARY is writable again: it stays the primary, nothing was switched"
    else
      log "ERROR: making member $OLD_PRIMARY writable again failed: run the Job again, or set it writable by hand"
    fi
  fi
}

promote() {
  local stop_reset
  if [[ "$MYSQL_FLAVOR" == mysql ]]; then stop_reset='STOP REPLICA; RESET REPLICA ALL;'; else stop_reset='STOP SLAVE; RESET SLAVE ALL;'; fi
  member_sql "$TARGET" "$stop_reset" || die "stopping replication on member $TARGET failed"
  PROMOTED=yes
  member_sql "$TARGET" "$(read_only_sql OFF)" || die "making member $TARGET writable failed: run the Job again"
  log "member $TARGET is the primary (replication reset, writable)"
}

# Switch from the primary the target replicates from (step 2).
switch_from_current_primary() {
  local io sql current pos
  io=$(status_field "$STATUS" "$IO_FIELD") sql=$(status_field "$STATUS" "$SQL_FIELD")
  current=$(ordinal_of_host "$SOURCE")
  [[ "$io" == Yes && "$sql" == Yes ]] \
    || die "member $TARGET is not a healthy replica ($IO_FIELD: ${io:-?}, $SQL_FIELD: ${sql:-?}; last error: $(status_field "$STATUS" Last_IO_Error)$(status_field "$STATUS" Last_SQL_Error)): refusing to switch; the primary is unchanged"
  [[ -n "$current" ]] || die "member $TARGET replicates from $SOURCE, which is no member: refusing to switch"
  read_status "$current" || die "member $current (the target's source) does not answer: a switchover needs the current primary (this is no failover)"
  [[ -z "$SOURCE" ]] || die "member $TARGET replicates from member $current, which is itself a replica (of $SOURCE): refusing to switch"
  log "switching the primary from member $current to member $TARGET"
  OLD_PRIMARY=$current
  trap 'restore_old_primary; _run_cleanup' EXIT
  demote "$current"
  pos=$(gtid_position "$current") || die "reading the GTID position of member $current failed"
  log "waiting up to ${CATCH_UP_SECONDS}s for member $TARGET to apply every transaction of member $current ($pos)"
  has_applied "$TARGET" "$pos" "$CATCH_UP_SECONDS" \
    || die "member $TARGET did not apply every transaction of member $current within ${CATCH_UP_SECONDS}s: switchover abandoned"
  promote
}

# Step 3: the target has no source: no other member may be a writable primary.
finish_promotion() {
  local i
  for ((i = 0; i < MEMBERS; i++)); do
    ((i != TARGET)) || continue
    read_status "$i" 2>/dev/null || continue
    if [[ -z "$SOURCE" ]] && ! is_read_only "$i"; then
      die "member $TARGET has no replication source and member $i is a writable primary: $TARGET is not a replica of the current primary; refusing to switch"
    fi
  done
  if is_read_only "$TARGET"; then
    PROMOTED=yes
    member_sql "$TARGET" "$(read_only_sql OFF)" || die "making member $TARGET writable failed"
    log "member $TARGET was promoted by an earlier run; now writable"
  else
    log "member $TARGET is already the primary"
  fi
}

# Step 4: member $1 replicates from the target.
follow_target() {
  local m=$1 want pos
  want=$(member_host "$TARGET")
  if ! read_status "$m" 2>/dev/null; then
    log "member $m does not answer: it follows the declared primary when it starts"
    return 0
  fi
  if [[ "$SOURCE" == "$want" ]]; then
    member_sql "$m" "$(start_replica_sql)" || die "starting replication on member $m failed"
    log "member $m replicates from member $TARGET"
    return 0
  fi
  if [[ -z "$SOURCE" ]]; then
    is_read_only "$m" || member_sql "$m" "$(read_only_sql ON)" || die "making member $m read-only failed"
    pos=$(gtid_position "$m") || die "reading the GTID position of member $m failed"
    has_applied "$TARGET" "$pos" 1 \
      || die "member $m (a former primary) has transactions member $TARGET lacks ($pos): not pointing it at $TARGET; compare them and clone member $m again"
    member_sql "$m" "$(follow_sql "$want" own)" || die "pointing member $m at member $TARGET failed"
  else
    member_sql "$m" "$(follow_sql "$want" kept)" || die "pointing member $m at member $TARGET failed"
  fi
  log "member $m now replicates from member $TARGET"
}

wait_for "member $TARGET at $(member_host "$TARGET"):$MYSQL_PORT" "$MEMBER_WAIT_SECONDS" member_answers "$TARGET" \
  || die "member $TARGET does not answer: nothing was changed"
read_status "$TARGET" || die "reading the replication status of member $TARGET failed"
if [[ -n "$SOURCE" ]]; then
  switch_from_current_primary
else
  finish_promotion
fi
for ((m = 0; m < MEMBERS; m++)); do
  ((m == TARGET)) || follow_target "$m"
done
log "switchover complete: member $TARGET is the primary"
