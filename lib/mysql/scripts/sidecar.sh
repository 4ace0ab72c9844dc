#!/usr/bin/env bash
#
# sidecar.sh - start replication once after a clone, then serve backups.
#
# Runs as a long-lived sidecar container in the backup image (xtrabackup /
# mariadb-backup, plus ncat or perl), next to the database container, sharing
# its data volume:
#   bash /scripts/sidecar.sh
# 1. On every member but the declared primary (PRIMARY_ORDINAL, the topology
#    ConfigMap), the first time after clone.sh seeded DATA_DIR: read the
#    coordinates from the backup info files the clone left there (file/position
#    and/or GTID set, from *_slave_info when cloned from a replica, else
#    *_binlog_info), store them in DATA_DIR/change-source.in, wait for the
#    local server, point it at member_host(primary):MYSQL_PORT with
#    REPLICATION_USER / REPLICATION_PASSWORD, start replication and rename the
#    file to change-source.done (so this happens once). On later starts it
#    makes sure the server replicates from the declared primary: it starts
#    replication, after moving the source there (GTID) when it is another
#    member; a member with data of its own and no source (a former primary)
#    follows the primary from its own GTID position.
#    On the declared primary: when it still has a replication source (it was
#    declared before a switchover Job promoted it), it is kept read-only; the
#    Job promotes it.
# 2. exec ncat (or, without ncat, perl serve-backup.pl) on
#    CLONE_LISTEN_ADDRESS:CLONE_PORT, streaming a fresh backup of the local
#    server to every peer that connects (one at a time).
#
# Env (set by the construct; HOSTNAME by the kubelet): MYSQL_FLAVOR,
#      MYSQL_VERSION, REPLICATION_MODE, HOSTNAME, PRIMARY_ORDINAL, MEMBER_HOST_TEMPLATE,
#      MYSQL_HOST, MYSQL_PORT, MYSQL_ROOT_PASSWORD, REPLICATION_USER,
#      REPLICATION_PASSWORD, DATA_DIR, CLONE_PORT, CLONE_LISTEN_ADDRESS;
#      BACKUP_USER and BACKUP_PASSWORD with `backup` (the account the served
#      backups run as, else root).
# Knobs the construct does not pass (its pods run with these defaults, tests
# shorten them): SOURCE_CONNECT_RETRY (10), MYSQL_WAIT_SECONDS (600),
#      CONNECT_TIMEOUT (5), LOG_EVERY_SECONDS (5), TMPDIR (/tmp).
set -euo pipefail

# shellcheck source-path=SCRIPTDIR
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

load_flavor
load_version
load_local_server
load_ordinal
load_primary
load_member_hosts
replica_status_names
require_env REPLICATION_MODE REPLICATION_USER REPLICATION_PASSWORD DATA_DIR CLONE_PORT CLONE_LISTEN_ADDRESS
require_env --when BACKUP_USER BACKUP_PASSWORD
case "$REPLICATION_MODE" in
  gtid | binlog) ;;
  *) die "REPLICATION_MODE must be 'gtid' or 'binlog', got '$REPLICATION_MODE'" ;;
esac
# Not passed by the construct (see above).
SOURCE_CONNECT_RETRY=${SOURCE_CONNECT_RETRY:-10}
MYSQL_WAIT_SECONDS=${MYSQL_WAIT_SECONDS:-600}
CONNECT_TIMEOUT=${CONNECT_TIMEOUT:-5}
for var in CLONE_PORT SOURCE_CONNECT_RETRY MYSQL_WAIT_SECONDS CONNECT_TIMEOUT; do
  require_uint "$var" "${!var}"
done

PENDING=$DATA_DIR/change-source.in
DONE=$DATA_DIR/change-source.done

# Set SLAVE_INFO/BINLOG_INFO to the info files of the backup in DATA_DIR:
# mariadb_backup_* (MariaDB 11.x) when present, else xtrabackup_*.
find_info_files() {
  local prefix=xtrabackup
  if [[ -e "$DATA_DIR/mariadb_backup_binlog_info" || -e "$DATA_DIR/mariadb_backup_slave_info" \
    || -e "$DATA_DIR/mariadb_backup_checkpoints" ]]; then
    prefix=mariadb_backup
  fi
  SLAVE_INFO=$DATA_DIR/${prefix}_slave_info
  BINLOG_INFO=$DATA_DIR/${prefix}_binlog_info
}

# Work out the coordinates to replicate from and write them to PENDING.
write_pending_coordinates() {
  local file='' pos='' gtid='' from=''
  find_info_files
  if [[ -s "$SLAVE_INFO" ]]; then
    parse_slave_info "$SLAVE_INFO"
  else
    SI_FILE='' SI_POS='' SI_GTID='' SI_HAS_GTID=no
  fi
  local have_binlog_info=no
  if [[ -s "$BINLOG_INFO" ]]; then
    parse_binlog_info "$BINLOG_INFO"
    have_binlog_info=yes
  fi

  if [[ "$REPLICATION_MODE" == binlog ]]; then
    if [[ -s "$SLAVE_INFO" ]]; then
      [[ -n "$SI_FILE" && -n "$SI_POS" ]] \
        || die "$SLAVE_INFO has no binary log file/position (the donor replicated with GTID auto-positioning?); REPLICATION_MODE=binlog cannot use it"
      file=$SI_FILE pos=$SI_POS from=$SLAVE_INFO
    elif [[ $have_binlog_info == yes ]]; then
      (($(clone_donor) == PRIMARY)) \
        || die "the clone came from replica $(clone_donor) but has no usable $SLAVE_INFO, and $BINLOG_INFO holds that replica's own binlog position, not the primary's"
      file=$BI_FILE pos=$BI_POS from=$BINLOG_INFO
    fi
  else
    if [[ $SI_HAS_GTID == yes ]]; then
      gtid=$SI_GTID from=$SLAVE_INFO
    elif [[ $have_binlog_info == yes ]]; then
      gtid=$BI_GTID from=$BINLOG_INFO
      [[ -n "$gtid" ]] || log "warning: $BINLOG_INFO has no GTID set; assuming nothing had been executed on the donor"
    fi
  fi
  [[ -n "$from" ]] \
    || die "no backup info in $DATA_DIR (${SLAVE_INFO##*/} / ${BINLOG_INFO##*/}): cannot tell where replication should start. Was binary logging enabled on the donor?"

  printf 'from=%s\nfile=%s\npos=%s\ngtid=%s\n' "${from##*/}" "$file" "$pos" "$gtid" >"$PENDING.tmp"
  mv -f -- "$PENDING.tmp" "$PENDING"
  if [[ "$REPLICATION_MODE" == binlog ]]; then
    log "replication coordinates from ${from##*/}: file=$file pos=$pos"
  else
    log "replication coordinates from ${from##*/}: gtid=${gtid:-<empty>}"
  fi
}

# Read PENDING into P_FILE, P_POS, P_GTID.
read_pending_coordinates() {
  local key value
  P_FILE='' P_POS='' P_GTID=''
  while IFS='=' read -r key value; do
    case "$key" in
      file) P_FILE=$value ;;
      pos) P_POS=$value ;;
      gtid) P_GTID=$value ;;
    esac
  done <"$PENDING"
  if [[ "$REPLICATION_MODE" == binlog ]]; then
    [[ -n "$P_FILE" && "$P_POS" =~ ^[0-9]+$ ]] || die "$PENDING has no binlog file/position; remove it to re-read the backup info"
  fi
}

# Print the SQL that points this server at the primary and starts replicating.
build_change_sql() {
  local host password_sql
  host=$(member_host "$PRIMARY")
  password_sql=$(sql_string "$REPLICATION_PASSWORD")
  if [[ "$MYSQL_FLAVOR" == mysql ]]; then
    echo "RESET REPLICA ALL;"
    if [[ "$REPLICATION_MODE" == gtid ]]; then
      if version_at_least 8 2; then echo "RESET BINARY LOGS AND GTIDS;"; else echo "RESET MASTER;"; fi
      [[ -z "$P_GTID" ]] || echo "SET GLOBAL gtid_purged=$(sql_string "$P_GTID");"
    fi
    printf 'CHANGE REPLICATION SOURCE TO SOURCE_HOST=%s, SOURCE_PORT=%s, SOURCE_USER=%s, SOURCE_PASSWORD=%s, SOURCE_CONNECT_RETRY=%s, GET_SOURCE_PUBLIC_KEY=1, ' \
      "$(sql_string "$host")" "$MYSQL_PORT" "$(sql_string "$REPLICATION_USER")" "$password_sql" "$SOURCE_CONNECT_RETRY"
    if [[ "$REPLICATION_MODE" == gtid ]]; then
      echo "SOURCE_AUTO_POSITION=1;"
    else
      echo "SOURCE_LOG_FILE=$(sql_string "$P_FILE"), SOURCE_LOG_POS=$P_POS;"
    fi
    echo "START REPLICA;"
  else
    echo "RESET SLAVE ALL;"
    [[ "$REPLICATION_MODE" != gtid ]] || echo "SET GLOBAL gtid_slave_pos=$(sql_string "$P_GTID");"
    printf 'CHANGE MASTER TO MASTER_HOST=%s, MASTER_PORT=%s, MASTER_USER=%s, MASTER_PASSWORD=%s, MASTER_CONNECT_RETRY=%s, ' \
      "$(sql_string "$host")" "$MYSQL_PORT" "$(sql_string "$REPLICATION_USER")" "$password_sql" "$SOURCE_CONNECT_RETRY"
    if [[ "$REPLICATION_MODE" == gtid ]]; then
      echo "MASTER_USE_GTID=slave_pos;"
    else
      echo "MASTER_LOG_FILE=$(sql_string "$P_FILE"), MASTER_LOG_POS=$P_POS;"
    fi
    echo "START SLAVE;"
  fi
}

# Make the local server replicate from the declared primary: start replication,
# after moving its source there when it is another member (GTID), or from its
# own GTID position when it has no source (a former primary).
follow_declared_primary() {
  local status host want
  want=$(member_host "$PRIMARY")
  status=$(run_sql "$STATUS_SQL" --vertical) || die "$STATUS_SQL failed"
  host=$(status_field "$status" "$SOURCE_HOST_FIELD")
  if [[ "$host" == "$want" ]]; then
    run_sql "$(start_replica_sql)" || die "starting replication failed"
    return 0
  fi
  [[ "$REPLICATION_MODE" == gtid ]] \
    || die "the server replicates from '${host:-nowhere}', not from the declared primary $want; REPLICATION_MODE=binlog cannot move it (no GTID position): clone this member again"
  if [[ -z "$host" ]]; then
    log "no replication source: following the declared primary $want from its own GTID position"
    run_sql "$(follow_sql "$want" own)" || die "pointing replication at $want failed"
  else
    log "replicating from $host, not from the declared primary $want: moving the source there (GTID)"
    run_sql "$(follow_sql "$want" kept)" || die "pointing replication at $want failed"
  fi
}

# Keep the declared primary read-only while it still has a replication source:
# only the switchover Job promotes it, once it has every transaction.
check_declared_primary() {
  local status
  wait_for_server
  status=$(run_sql "$STATUS_SQL" --vertical) || die "$STATUS_SQL failed"
  if [[ -n "$(status_field "$status" "$SOURCE_HOST_FIELD")" ]]; then
    log "declared primary but still replicating from $(status_field "$status" "$SOURCE_HOST_FIELD"): kept read-only until the switchover Job promotes it"
    run_sql "$(read_only_sql ON)" || die "making the server read-only failed"
  fi
}

wait_for_server() {
  wait_for "the local server at $MYSQL_HOST:$MYSQL_PORT" "$MYSQL_WAIT_SECONDS" server_answers \
    || die "the local server at $MYSQL_HOST:$MYSQL_PORT did not answer within ${MYSQL_WAIT_SECONDS}s"
}

setup_replication() {
  local stop_sql='STOP REPLICA;'
  [[ "$MYSQL_FLAVOR" != mariadb ]] || stop_sql='STOP SLAVE;'
  if [[ -f "$DONE" ]]; then
    log "replication was configured before ($DONE); making sure it is running"
    wait_for_server
    follow_declared_primary
    return 0
  fi
  find_info_files
  if [[ ! -f "$PENDING" && ! -s "$SLAVE_INFO" && ! -s "$BINLOG_INFO" && -d "$DATA_DIR/mysql" ]]; then
    log "data of its own and no clone: a former primary"
    wait_for_server
    follow_declared_primary
    return 0
  fi
  # MariaDB keeps it in master.info, one value per line: a newline (a Secret made from a file that
  # ends in one) breaks replication at the next restart.
  [[ "$REPLICATION_PASSWORD" != *$'\n'* ]] ||
    die "REPLICATION_PASSWORD contains a newline; recreate the Secret with --from-literal or a file without a trailing newline"
  [[ -f "$PENDING" ]] || write_pending_coordinates
  read_pending_coordinates
  local sql
  sql=$(build_change_sql)
  wait_for_server
  # Harmless when not running; its failure must not stop the setup.
  run_sql "$stop_sql" || log "$stop_sql failed (ignored)"
  log "pointing replication at $(member_host "$PRIMARY"):$MYSQL_PORT ($REPLICATION_MODE mode)"
  run_sql "$sql" || die "configuring replication failed (coordinates kept in $PENDING; will retry on restart)"
  mv -f -- "$PENDING" "$DONE"
  log "replication configured and started"
}

init_cleanup
make_admin_defaults
if ((ORDINAL != PRIMARY)); then
  setup_replication
else
  check_declared_primary
fi

command -v "$BACKUP_TOOL" >/dev/null 2>&1 \
  || die "required tool '$BACKUP_TOOL' not found in PATH (wrong image for MYSQL_FLAVOR=$MYSQL_FLAVOR?)"
mkdir -p -- "$PRIVATE_DIR/backup"
# The option file must outlive this shell: the server runs the backup command
# for every peer. It stays in the private mode-700 directory under TMPDIR.
# With BACKUP_USER set, backups run as that least-privilege user, else as root.
backup_defaults=$ADMIN_DEFAULTS
if [[ -n "${BACKUP_USER:-}" ]]; then
  backup_defaults=$PRIVATE_DIR/backup-user.cnf
  write_client_defaults "$backup_defaults" "$BACKUP_USER" "$BACKUP_PASSWORD"
fi
backup_args=("$BACKUP_TOOL" "--defaults-extra-file=$backup_defaults" --backup --slave-info --stream=xbstream
  "--host=$MYSQL_HOST" "--port=$MYSQL_PORT" "--datadir=$DATA_DIR" "--target-dir=$PRIVATE_DIR/backup")
if command -v ncat >/dev/null 2>&1; then
  backup_command=''
  for arg in "${backup_args[@]}"; do backup_command+=" $(sh_quote "$arg")"; done
  log "serving backups on $CLONE_LISTEN_ADDRESS:$CLONE_PORT"
  exec ncat --listen --keep-open --send-only --max-conns=1 -c "${backup_command# }" "$CLONE_LISTEN_ADDRESS" "$CLONE_PORT"
elif command -v perl >/dev/null 2>&1; then
  log "serving backups on $CLONE_LISTEN_ADDRESS:$CLONE_PORT (ncat not found; using serve-backup.pl)"
  exec perl "$(dirname "${BASH_SOURCE[0]}")/serve-backup.pl" "$CLONE_LISTEN_ADDRESS" "$CLONE_PORT" "${backup_args[@]}"
else
  die "neither 'ncat' nor 'perl' found in PATH; one of them is needed to serve backups on $CLONE_LISTEN_ADDRESS:$CLONE_PORT"
fi
