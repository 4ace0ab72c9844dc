#!/usr/bin/env bash
# shellcheck shell=bash
# Globals set here are used by the scripts that source this file:
# shellcheck disable=SC2034
#
# common.sh - shared helpers for the MySQLReplication container scripts.
#
# Sourced, never executed, by init-config.sh, clone.sh, sidecar.sh, probe.sh
# and the backup scripts (create-users.sh is self-contained because the image
# entrypoints source it). Defining functions is all it does; the caller sets
# `set -euo pipefail` and checks the env it needs: with require_env and the
# load_* helpers below, each reading only what that script uses.
#
# The construct passes every variable a script requires (README.md lists
# them); a missing one stops the script with one log line naming it, and there
# are no defaults here that could differ from the construct's props. Only
# runtime knobs the construct deliberately does not pass have defaults:
#   LOG_EVERY_SECONDS  interval of "waiting for ..." log lines (5; tests shorten it)
#   TMPDIR             parent of the private option-file directory (/tmp when
#                      the image sets none)

SCRIPT_NAME=${0##*/}

# Log to stderr, prefixed with the script name.
log() {
  printf '%s: %s\n' "$SCRIPT_NAME" "$*" >&2
}

# Log an error and exit non-zero.
die() {
  log "ERROR: $*"
  exit 1
}

# Fail unless every named env var is set and non-empty; with --may-be-empty,
# set (an empty value means something, e.g. "no limit"). With --when NAME the
# check only applies when NAME is non-empty, with --when NAME=VALUE only when
# NAME is VALUE. One log line names the missing variable, never a value.
# Every variable the construct passes to a script is checked this way
# (test/mysql-script-env.test.ts reads these calls and checks the construct's
# env against them), so keep each call on a line of its own.
require_env() {
  local empty_ok=no when='' name
  while [[ "${1:-}" == --* ]]; do
    case "$1" in
      --may-be-empty)
        empty_ok=yes
        shift
        ;;
      --when)
        when=${2:?}
        shift 2
        ;;
      *) die "require_env: unknown option $1" ;;
    esac
  done
  if [[ -n "$when" ]]; then
    name=${when%%=*}
    if [[ "$when" == *=* ]]; then
      [[ "${!name:-}" == "${when#*=}" ]] || return 0
      when="$name is ${when#*=}"
    else
      [[ -n "${!name:-}" ]] || return 0
      when="$name is set"
    fi
  fi
  for name in "$@"; do
    if [[ $empty_ok == yes ]]; then
      [[ -v "$name" ]] || die "environment variable $name must be set (it may be empty)"
    else
      [[ -n "${!name:-}" ]] || die "environment variable $name must be set and non-empty${when:+ ($when)}"
    fi
  done
}

# Fail unless the value is a non-negative integer.
require_uint() {
  local name=$1 value=$2
  [[ "$value" =~ ^[0-9]+$ ]] || die "$name must be a non-negative integer, got '$value'"
}

# Read MYSQL_FLAVOR; set the tool names of the flavor.
load_flavor() {
  require_env MYSQL_FLAVOR
  case "$MYSQL_FLAVOR" in
    mysql) CLIENT=mysql ADMIN=mysqladmin BACKUP_TOOL=xtrabackup STREAM_TOOL=xbstream ;;
    mariadb) CLIENT=mariadb ADMIN=mariadb-admin BACKUP_TOOL=mariadb-backup STREAM_TOOL=mbstream ;;
    *) die "MYSQL_FLAVOR must be 'mysql' or 'mariadb', got '$MYSQL_FLAVOR'" ;;
  esac
}

# Read MYSQL_VERSION (major.minor; after load_flavor); set VERSION_MAJOR and VERSION_MINOR.
load_version() {
  require_env MYSQL_VERSION
  [[ "$MYSQL_VERSION" =~ ^([0-9]+)\.([0-9]+)(\.[0-9]+)?$ ]] \
    || die "MYSQL_VERSION must look like <major>.<minor>, got '$MYSQL_VERSION'"
  VERSION_MAJOR=$((10#${BASH_REMATCH[1]}))
  VERSION_MINOR=$((10#${BASH_REMATCH[2]}))
  if [[ "$MYSQL_FLAVOR" == mysql ]] && ((VERSION_MAJOR < 8)); then
    die "MySQL $MYSQL_VERSION is not supported (need 8.0.23 or later)"
  fi
}

# Read MYSQL_HOST and MYSQL_PORT: the local server, over TCP (also the port
# every member, the primary too, listens on).
load_local_server() {
  require_env MYSQL_HOST MYSQL_PORT
  require_uint MYSQL_PORT "$MYSQL_PORT"
}

# True when MYSQL_VERSION >= $1.$2.
version_at_least() {
  ((VERSION_MAJOR > $1 || (VERSION_MAJOR == $1 && VERSION_MINOR >= $2)))
}

# Set ORDINAL from HOSTNAME ("<name>-<ordinal>"), which the kubelet sets to the
# pod name.
load_ordinal() {
  local host=${HOSTNAME:-}
  [[ "$host" =~ ^(.+)-([0-9]+)$ ]] \
    || die "cannot derive the member ordinal: HOSTNAME '$host' does not end in -<number> (expected a StatefulSet pod name like mysql-0)"
  ORDINAL=$((10#${BASH_REMATCH[2]}))
}

# Read PRIMARY_ORDINAL, the declared primary (the topology ConfigMap, read when
# the container starts): a member takes its role from it, never from its ordinal.
load_primary() {
  require_env PRIMARY_ORDINAL
  require_uint PRIMARY_ORDINAL "$PRIMARY_ORDINAL"
  PRIMARY=$((10#$PRIMARY_ORDINAL))
}

# The ordinal a new replica clones (after load_ordinal, load_primary):
# ordinal - 1, ready before it under OrderedReady, or the primary for ordinal 0.
clone_donor() {
  if ((ORDINAL > 0)); then echo $((ORDINAL - 1)); else echo "$PRIMARY"; fi
}

# Read MEMBER_HOST_TEMPLATE, the host of member N with "{ordinal}" for N.
load_member_hosts() {
  require_env MEMBER_HOST_TEMPLATE
  [[ "$MEMBER_HOST_TEMPLATE" == *"{ordinal}"* ]] \
    || die "MEMBER_HOST_TEMPLATE must contain '{ordinal}', got '$MEMBER_HOST_TEMPLATE'"
}

# Print the host of member $1 (after load_member_hosts).
member_host() {
  printf '%s\n' "${MEMBER_HOST_TEMPLATE//\{ordinal\}/$1}"
}

# Paths removed when the script exits (EXIT trap installed by init_cleanup).
CLEANUP_PATHS=()

_run_cleanup() {
  local path
  for path in "${CLEANUP_PATHS[@]}"; do
    [[ -n "$path" ]] && rm -rf -- "$path"
  done
  return 0
}

init_cleanup() {
  trap _run_cleanup EXIT
  trap 'exit 129' HUP
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

add_cleanup() {
  CLEANUP_PATHS+=("$1")
}

# Forget a path registered with add_cleanup (it must survive the exit).
remove_cleanup() {
  local i
  for i in "${!CLEANUP_PATHS[@]}"; do
    [[ "${CLEANUP_PATHS[$i]}" == "$1" ]] && unset 'CLEANUP_PATHS[i]'
  done
  return 0
}

# Create PRIVATE_DIR: a mode-700 directory under TMPDIR, removed on exit.
make_private_dir() {
  local parent=${TMPDIR:-/tmp}
  PRIVATE_DIR=$(mktemp -d "${parent%/}/mysql-scripts.XXXXXXXX") \
    || die "cannot create a private directory under TMPDIR=$parent"
  chmod 700 "$PRIVATE_DIR"
  add_cleanup "$PRIVATE_DIR"
}

# Escape $1 for a double-quoted value in a MySQL option file.
_cnf_escape() {
  local v=$1
  v=${v//\\/\\\\}
  v=${v//\"/\\\"}
  v=${v//$'\n'/\\n}
  v=${v//$'\r'/\\r}
  v=${v//$'\t'/\\t}
  printf '%s' "$v"
}

# Write a [client] option file (mode 600) for user $2 / password $3 to $1.
write_client_defaults() {
  local file=$1 user=$2 password=$3
  (
    umask 077
    printf '[client]\nuser="%s"\npassword="%s"\n' \
      "$(_cnf_escape "$user")" "$(_cnf_escape "$password")" >"$file"
  )
  chmod 600 "$file"
}

# Create ADMIN_DEFAULTS, the option file of root (MYSQL_ROOT_PASSWORD), for
# local admin work and, without a backup user, the served backups.
make_admin_defaults() {
  require_env MYSQL_ROOT_PASSWORD
  [[ -n "${PRIVATE_DIR:-}" ]] || make_private_dir
  ADMIN_DEFAULTS=$PRIVATE_DIR/admin.cnf
  write_client_defaults "$ADMIN_DEFAULTS" root "$MYSQL_ROOT_PASSWORD"
}

# Quote $1 as an SQL string literal ('' for quotes, \\ for backslashes).
sql_string() {
  local v=$1
  v=${v//\\/\\\\}
  v=${v//\'/\'\'}
  printf "'%s'" "$v"
}

# Quote $1 for /bin/sh (used to build ncat's -c command line).
sh_quote() {
  printf "'%s'" "${1//\'/\'\\\'\'}"
}

# Run the SQL in $1 on the local server as root (SQL on stdin,
# never on the command line). Extra args go to the client.
run_sql() {
  sql_at "$MYSQL_HOST" "$@"
}

# Run the SQL in $2 as root on the server at host $1, port MYSQL_PORT (SQL on
# stdin). Extra args go to the client.
sql_at() {
  local host=$1 sql=$2
  shift 2
  printf '%s\n' "$sql" | "$CLIENT" "--defaults-extra-file=$ADMIN_DEFAULTS" \
    --protocol=TCP "--host=$host" "--port=$MYSQL_PORT" --batch "$@"
}

# The replica status statement and its column names for MYSQL_FLAVOR (after
# load_flavor): SHOW REPLICA STATUS (MySQL 8.0.22+) or SHOW SLAVE STATUS.
replica_status_names() {
  if [[ "$MYSQL_FLAVOR" == mysql ]]; then
    STATUS_SQL='SHOW REPLICA STATUS' SOURCE_HOST_FIELD=Source_Host
    IO_FIELD=Replica_IO_Running SQL_FIELD=Replica_SQL_Running
  else
    STATUS_SQL='SHOW SLAVE STATUS' SOURCE_HOST_FIELD=Master_Host
    IO_FIELD=Slave_IO_Running SQL_FIELD=Slave_SQL_Running
  fi
}

# Print the SQL that makes a server read-only ($1 ON) or writable ($1 OFF);
# MySQL's super_read_only also stops root (and implies read_only).
read_only_sql() {
  if [[ "$MYSQL_FLAVOR" == mysql ]]; then
    if [[ $1 == ON ]]; then echo "SET GLOBAL super_read_only=ON;"; else echo "SET GLOBAL super_read_only=OFF; SET GLOBAL read_only=OFF;"; fi
  else
    echo "SET GLOBAL read_only=$1;"
  fi
}

# Print the SQL that starts replication.
start_replica_sql() {
  if [[ "$MYSQL_FLAVOR" == mysql ]]; then echo "START REPLICA;"; else echo "START SLAVE;"; fi
}

# Print the SQL that points a server at host $1 with GTID auto-positioning and
# starts replicating; $2 `own` starts from the server's own GTIDs (a former
# primary: MariaDB's gtid_slave_pos set to its binlog position), `kept` from its
# replica position. Needs REPLICATION_USER, REPLICATION_PASSWORD, MYSQL_PORT,
# SOURCE_CONNECT_RETRY.
follow_sql() {
  local host password_sql
  host=$(sql_string "$1")
  password_sql=$(sql_string "$REPLICATION_PASSWORD")
  if [[ "$MYSQL_FLAVOR" == mysql ]]; then
    echo "STOP REPLICA;"
    printf 'CHANGE REPLICATION SOURCE TO SOURCE_HOST=%s, SOURCE_PORT=%s, SOURCE_USER=%s, SOURCE_PASSWORD=%s, SOURCE_CONNECT_RETRY=%s, GET_SOURCE_PUBLIC_KEY=1, SOURCE_AUTO_POSITION=1;\n' \
      "$host" "$MYSQL_PORT" "$(sql_string "$REPLICATION_USER")" "$password_sql" "$SOURCE_CONNECT_RETRY"
    echo "START REPLICA;"
  else
    echo "STOP SLAVE;"
    [[ $2 != own ]] || echo "SET GLOBAL gtid_slave_pos=@@GLOBAL.gtid_binlog_pos;"
    printf 'CHANGE MASTER TO MASTER_HOST=%s, MASTER_PORT=%s, MASTER_USER=%s, MASTER_PASSWORD=%s, MASTER_CONNECT_RETRY=%s, MASTER_USE_GTID=slave_pos;\n' \
      "$host" "$MYSQL_PORT" "$(sql_string "$REPLICATION_USER")" "$password_sql" "$SOURCE_CONNECT_RETRY"
    echo "START SLAVE;"
  fi
}

# Print field $2 of the vertical status output in $1 (empty when absent).
status_field() {
  local line re="^[[:space:]]*$2:[[:space:]]?(.*)$"
  while IFS= read -r line; do
    if [[ "$line" =~ $re ]]; then
      printf '%s\n' "${BASH_REMATCH[1]}"
      return 0
    fi
  done <<<"$1"
}

# Poll "$@" once a second for up to $2 seconds; $1 describes what we wait for.
# Logs "waiting for <what>" every LOG_EVERY_SECONDS (a knob the construct does
# not pass: 5) with the last error seen. Returns 1 on timeout. Seconds are
# counted as polls, so time spent inside the command itself is not included.
wait_for() {
  local what=$1 limit=$2 waited=0 err='' every=${LOG_EVERY_SECONDS:-5}
  shift 2
  require_uint LOG_EVERY_SECONDS "$every"
  ((every > 0)) || every=1
  while :; do
    if err=$("$@" 2>&1 >/dev/null); then
      ((waited == 0)) || log "$what: ok after ${waited}s"
      return 0
    fi
    if ((waited >= limit)); then
      log "gave up waiting for $what after ${limit}s${err:+ (last error: ${err//$'\n'/ })}"
      return 1
    fi
    if ((waited % every == 0)); then
      log "waiting for $what (${waited}s of ${limit}s)${err:+: ${err//$'\n'/ }}"
    fi
    sleep 1
    waited=$((waited + 1))
  done
}

# Succeed when the local server answers a real query (the caller sets CONNECT_TIMEOUT).
server_answers() {
  "$CLIENT" "--defaults-extra-file=$ADMIN_DEFAULTS" --protocol=TCP \
    "--host=$MYSQL_HOST" "--port=$MYSQL_PORT" "--connect-timeout=$CONNECT_TIMEOUT" \
    --batch --skip-column-names -e 'SELECT 1'
}

# Set TRANSPORT to how a backup stream is received: ncat when it is installed,
# else bash's /dev/tcp (its connect bounded by coreutils' timeout).
choose_receive_transport() {
  if command -v ncat >/dev/null 2>&1; then
    TRANSPORT=ncat
  elif command -v timeout >/dev/null 2>&1; then
    TRANSPORT=dev-tcp
    log "ncat not found; receiving through bash's /dev/tcp"
  else
    die "neither 'ncat' nor 'timeout' (for bash's /dev/tcp) found in PATH; one of them is needed to receive the backup"
  fi
}

# Write the stream served on $1:$2 to stdout (TRANSPORT from
# choose_receive_transport). With ncat, or through bash's /dev/tcp in a child
# bash that `timeout` kills if the connection is not open within
# CLONE_CONNECT_TIMEOUT_SECONDS. Once connected the child ignores SIGTERM, so
# the transfer itself is not bounded (like `ncat -w`), and --preserve-status
# keeps its exit status.
fetch_stream() {
  if [[ $TRANSPORT == ncat ]]; then
    ncat --recv-only -w "$CLONE_CONNECT_TIMEOUT_SECONDS" "$1" "$2"
  else
    # shellcheck disable=SC2016 # expanded by the child bash
    timeout --preserve-status "$CLONE_CONNECT_TIMEOUT_SECONDS" "$BASH" -c \
      'exec 3<"/dev/tcp/$1/$2" || exit 1; trap "" TERM; exec cat <&3' fetch-stream "$1" "$2"
  fi
}

# Staged moves into DATA_DIR (clone.sh, restore.sh): the caller sets STAGING
# (a directory in DATA_DIR) and MANIFEST (a file in DATA_DIR).
#
# Remove what an interrupted earlier run left behind. Only names recorded in
# the manifest (entries this script moved out of the staging dir) are removed
# from DATA_DIR; nothing else there is touched.
discard_partial_move() {
  local name
  if [[ -f "$MANIFEST" ]]; then
    log "removing the remains of an interrupted clone or restore (listed in $MANIFEST)"
    while IFS= read -r -d '' name; do
      [[ -n "$name" && "$name" != */* && "$name" != . && "$name" != .. ]] || continue
      rm -rf -- "${DATA_DIR:?}/$name"
    done <"$MANIFEST"
    rm -f -- "$MANIFEST"
  fi
  if [[ -e "$STAGING" ]]; then
    log "removing the leftover staging directory $STAGING"
    rm -rf -- "$STAGING"
  fi
}

# Move the prepared backup in STAGING into DATA_DIR, mysql/ last, so DATA_DIR/mysql
# only exists once everything else is in place; MANIFEST lists what was moved
# until the move is complete.
move_staging_into_place() {
  local name names=()
  while IFS= read -r -d '' name; do
    name=${name##*/}
    case "$name" in
      mysql) ;;
      lost+found) rm -rf -- "${STAGING:?}/$name" ;;
      *)
        [[ -e "$DATA_DIR/$name" || -L "$DATA_DIR/$name" ]] \
          && die "refusing to overwrite $DATA_DIR/$name (DATA_DIR has unexpected content; the backup is left in $STAGING)"
        names+=("$name")
        ;;
    esac
  done < <(find "$STAGING" -mindepth 1 -maxdepth 1 -print0)

  if ((${#names[@]} > 0)); then
    printf '%s\0' "${names[@]}" >"$MANIFEST.tmp"
  else
    : >"$MANIFEST.tmp"
  fi
  mv -f -- "$MANIFEST.tmp" "$MANIFEST"
  for name in "${names[@]}"; do
    mv -T -- "$STAGING/$name" "$DATA_DIR/$name"
  done
  mv -T -- "$STAGING/mysql" "$DATA_DIR/mysql"
  rm -f -- "$MANIFEST"
  rmdir -- "$STAGING"
}

# Backup info files (sidecar.sh, backup.sh).
#
# Parse a *_slave_info file (a replica's position in the primary's binlog as
# CHANGE MASTER / CHANGE REPLICATION SOURCE, optionally preceded by a SET
# GLOBAL gtid_purged / gtid_slave_pos). Sets SI_FILE, SI_POS, SI_GTID
# (empty when absent) and SI_HAS_GTID (yes/no).
parse_slave_info() {
  local text re_file re_pos re_gtid
  text=$(<"$1")
  re_file="(MASTER|SOURCE)_LOG_FILE[[:space:]]*=[[:space:]]*'([^']*)'"
  re_pos="(MASTER|SOURCE)_LOG_POS[[:space:]]*=[[:space:]]*([0-9]+)"
  re_gtid="gtid_(purged|slave_pos)[[:space:]]*=[[:space:]]*'([^']*)'"
  SI_FILE='' SI_POS='' SI_GTID='' SI_HAS_GTID=no
  shopt -s nocasematch
  [[ "$text" =~ $re_file ]] && SI_FILE=${BASH_REMATCH[2]}
  [[ "$text" =~ $re_pos ]] && SI_POS=${BASH_REMATCH[2]}
  if [[ "$text" =~ $re_gtid ]]; then
    SI_GTID=${BASH_REMATCH[2]//[[:space:]]/}
    SI_HAS_GTID=yes
  fi
  shopt -u nocasematch
}

# Parse a *_binlog_info file ("<file>\t<pos>[\t<gtid set>]", the gtid set may
# span lines). Sets BI_FILE, BI_POS, BI_GTID.
parse_binlog_info() {
  local text re
  text=$(<"$1")
  re='^[[:space:]]*([^[:space:]]+)[[:space:]]+([0-9]+)([[:space:]]+(.*))?$'
  [[ "$text" =~ $re ]] || die "cannot parse $1 (expected '<file> <position> [<gtid set>]'): $text"
  BI_FILE=${BASH_REMATCH[1]}
  BI_POS=${BASH_REMATCH[2]}
  BI_GTID=${BASH_REMATCH[4]//[[:space:]]/}
}
