#!/usr/bin/env bash
# shellcheck shell=bash
#
# create-users.sh - create the replication user on the primary's first start.
#
# Two ways to run it:
# - Sourced by the official mysql / mariadb image entrypoint: mount it
#   (not executable, e.g. ConfigMap defaultMode 0644) into
#   /docker-entrypoint-initdb.d/; the entrypoint sources *.sh there while its
#   temporary, socket-only server runs. It then uses the entrypoint's own
#   docker_process_sql, which is already logged in as root. Everything runs in
#   a subshell: no `set -e`, traps, variables or exit leak into the entrypoint;
#   a failure makes the `source` return non-zero (and the entrypoint stop).
# - Executed on its own (`bash create-users.sh`), e.g. against a running
#   server: connects as root (MYSQL_ROOT_PASSWORD) through a private option
#   file, over MYSQL_SOCKET when set, else TCP MYSQL_HOST:MYSQL_PORT.
# Creates REPLICATION_USER@'%' (replicas connect from their pod addresses)
# identified by REPLICATION_PASSWORD with only REPLICATION SLAVE, REPLICATION
# CLIENT, and resets the password if the user exists (idempotent). Not written to the
# binary log. The application database/user come from the images' own
# MYSQL_DATABASE / MYSQL_USER / MYSQL_PASSWORD.
#
# With EXPORTER_USER set, also creates EXPORTER_USER@127.0.0.1 identified by EXPORTER_PASSWORD
# with only PROCESS, REPLICATION CLIENT, SELECT (what mysqld-exporter needs; on MariaDB
# PROCESS, BINLOG MONITOR, SLAVE MONITOR, SELECT: its REPLICATION CLIENT does not show replica status).
#
# With BACKUP_USER set, also creates BACKUP_USER@'127.0.0.%' identified by BACKUP_PASSWORD with
# only what the backup tool of MYSQL_FLAVOR needs (the sidecar's backups run as it).
#
# Env (set by the construct on the database container): MYSQL_FLAVOR (the
#      backup user's grants; the client when executed), REPLICATION_USER,
#      REPLICATION_PASSWORD; EXPORTER_USER and EXPORTER_PASSWORD with
#      `exporter`; BACKUP_USER and BACKUP_PASSWORD with `backup`; executed
#      only: MYSQL_ROOT_PASSWORD, MYSQL_HOST, MYSQL_PORT. Not passed by the
#      construct: MYSQL_SOCKET (connect over it instead of TCP), TMPDIR (/tmp).
#
# It cannot source common.sh (the entrypoint finds this file alone in
# /docker-entrypoint-initdb.d), so it carries its own require_env, with
# common.sh's interface and messages.

_mysql_replication_create_users() (
  set -euo pipefail
  log() { printf 'create-users.sh: %s\n' "$*" >&2; }
  quote() {
    local v=${1//\\/\\\\}
    printf "'%s'" "${v//\'/\'\'}"
  }
  cnf_escape() {
    local v=$1
    v=${v//\\/\\\\}
    v=${v//\"/\\\"}
    v=${v//$'\n'/\\n}
    printf '%s' "$v"
  }
  # common.sh's require_env, as far as this script uses it: [--when NAME] NAME...
  require_env() {
    local when='' name
    if [[ "$1" == --when ]]; then
      [[ -n "${!2:-}" ]] || return 0
      when="$2 is set"
      shift 2
    fi
    for name in "$@"; do
      if [[ -z "${!name:-}" ]]; then
        log "ERROR: environment variable $name must be set and non-empty${when:+ ($when)}"
        exit 1
      fi
    done
  }

  require_env MYSQL_FLAVOR REPLICATION_USER REPLICATION_PASSWORD
  require_env --when EXPORTER_USER EXPORTER_PASSWORD
  require_env --when BACKUP_USER BACKUP_PASSWORD
  local client
  case "$MYSQL_FLAVOR" in
    mysql) client=mysql ;;
    mariadb) client=mariadb ;;
    *)
      log "ERROR: MYSQL_FLAVOR must be 'mysql' or 'mariadb', got '$MYSQL_FLAVOR'"
      return 1
      ;;
  esac
  local user=$REPLICATION_USER host=%
  local account password sql
  account="$(quote "$user")@$(quote "$host")"
  password=$(quote "$REPLICATION_PASSWORD")
  sql="SET SESSION sql_log_bin=0;
CREATE USER IF NOT EXISTS $account IDENTIFIED BY $password;
ALTER USER $account IDENTIFIED BY $password;
GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO $account;"
  if [[ -n "${EXPORTER_USER:-}" ]]; then
    local exporter exporter_pw
    # The metrics sidecar connects over TCP from its own pod only.
    exporter="$(quote "$EXPORTER_USER")@'127.0.0.1'"
    exporter_pw=$(quote "$EXPORTER_PASSWORD")
    sql+="
CREATE USER IF NOT EXISTS $exporter IDENTIFIED BY $exporter_pw;
ALTER USER $exporter IDENTIFIED BY $exporter_pw;"
    # SHOW REPLICA STATUS (the replication metrics) needs REPLICATION CLIENT on MySQL; MariaDB split
    # it (10.5): REPLICATION CLIENT is BINLOG MONITOR there, and the replica status is SLAVE MONITOR.
    if [[ "$MYSQL_FLAVOR" == mariadb ]]; then
      sql+="
GRANT PROCESS, BINLOG MONITOR, SLAVE MONITOR, SELECT ON *.* TO $exporter;"
    else
      sql+="
GRANT PROCESS, REPLICATION CLIENT, SELECT ON *.* TO $exporter;"
    fi
  fi

  if [[ -n "${BACKUP_USER:-}" ]]; then
    local backup backup_pw
    # The backup sidecar connects over TCP from its own pod only; the privileges are what the
    # backup tool needs (MariaDB 10.11+: RELOAD, PROCESS, LOCK TABLES, BINLOG MONITOR, and SLAVE
    # MONITOR for --slave-info; MySQL 8 with XtraBackup: BACKUP_ADMIN, RELOAD, PROCESS, LOCK TABLES,
    # REPLICATION CLIENT and SELECT on performance_schema.log_status).
    backup="$(quote "$BACKUP_USER")@'127.0.0.%'"
    backup_pw=$(quote "$BACKUP_PASSWORD")
    sql+="
CREATE USER IF NOT EXISTS $backup IDENTIFIED BY $backup_pw;
ALTER USER $backup IDENTIFIED BY $backup_pw;"
    if [[ "$MYSQL_FLAVOR" == mariadb ]]; then
      sql+="
GRANT RELOAD, PROCESS, LOCK TABLES, BINLOG MONITOR, SLAVE MONITOR ON *.* TO $backup;"
    else
      sql+="
GRANT BACKUP_ADMIN, RELOAD, PROCESS, LOCK TABLES, REPLICATION CLIENT ON *.* TO $backup;
GRANT SELECT ON performance_schema.log_status TO $backup;"
    fi
  fi

  if declare -F docker_process_sql >/dev/null; then
    log "creating replication user $user@$host (via the image entrypoint)"
    # The entrypoint's functions are not written for `set -u`.
    set +u
    printf '%s\n' "$sql" | docker_process_sql
    return
  fi

  require_env MYSQL_ROOT_PASSWORD MYSQL_HOST MYSQL_PORT
  local dir
  dir=$(mktemp -d "${TMPDIR:-/tmp}/create-users.XXXXXXXX")
  # shellcheck disable=SC2064 # expand now: $dir is local
  trap "rm -rf -- '$dir'" EXIT
  (
    umask 077
    printf '[client]\nuser="%s"\npassword="%s"\n' \
      root "$(cnf_escape "$MYSQL_ROOT_PASSWORD")" >"$dir/admin.cnf"
  )
  local connect=(--protocol=TCP "--host=$MYSQL_HOST" "--port=$MYSQL_PORT")
  if [[ -n "${MYSQL_SOCKET:-}" ]]; then
    # The client ignores the socket when a host other than localhost is set (MYSQL_HOST may be).
    connect=(--protocol=SOCKET --host=localhost "--socket=$MYSQL_SOCKET")
  fi
  log "creating replication user $user@$host"
  printf '%s\n' "$sql" | "$client" "--defaults-extra-file=$dir/admin.cnf" "${connect[@]}" --batch
)

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  _mysql_replication_create_users "$@"
else
  # A plain command (not `if`/`||`), so the function's own `set -e` stays
  # effective; under the entrypoint's `set -e` a failure stops the init.
  _mysql_replication_create_users
  return $?
fi
