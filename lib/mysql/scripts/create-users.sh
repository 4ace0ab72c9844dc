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
#   server: connects as MYSQL_ADMIN_USER/MYSQL_ROOT_PASSWORD through a private
#   option file, over MYSQL_SOCKET when set, else TCP MYSQL_HOST:MYSQL_PORT.
# Creates REPLICATION_USER@REPLICATION_USER_HOST identified by
# REPLICATION_PASSWORD with only REPLICATION SLAVE, REPLICATION CLIENT, and
# resets the password if the user exists (idempotent). Not written to the
# binary log. The application database/user come from the images' own
# MYSQL_DATABASE / MYSQL_USER / MYSQL_PASSWORD.
#
# With EXPORTER_USER set, also creates EXPORTER_USER@127.0.0.1 identified by EXPORTER_PASSWORD
# with only PROCESS, REPLICATION CLIENT, SELECT (what mysqld-exporter needs).
#
# With BACKUP_USER set, also creates BACKUP_USER@'127.0.0.%' identified by BACKUP_PASSWORD with
# only what the backup tool of MYSQL_FLAVOR needs (the sidecar's backups run as it).
#
# Env: REPLICATION_USER (repl), REPLICATION_USER_HOST (%), REPLICATION_PASSWORD;
#      EXPORTER_USER, EXPORTER_PASSWORD (optional); BACKUP_USER, BACKUP_PASSWORD
#      (optional), MYSQL_FLAVOR (mysql, picks the backup user's grants);
#      standalone only: MYSQL_FLAVOR (mysql, the client), MYSQL_HOST (127.0.0.1),
#      MYSQL_PORT (3306), MYSQL_SOCKET, MYSQL_ADMIN_USER (root),
#      MYSQL_ROOT_PASSWORD, TMPDIR (/tmp).

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

  local user=${REPLICATION_USER:-repl} host=${REPLICATION_USER_HOST:-%}
  if [[ -z "${REPLICATION_PASSWORD:-}" ]]; then
    log "ERROR: environment variable REPLICATION_PASSWORD must be set and non-empty"
    return 1
  fi
  local account password sql
  account="$(quote "$user")@$(quote "$host")"
  password=$(quote "$REPLICATION_PASSWORD")
  sql="SET SESSION sql_log_bin=0;
CREATE USER IF NOT EXISTS $account IDENTIFIED BY $password;
ALTER USER $account IDENTIFIED BY $password;
GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO $account;"
  if [[ -n "${EXPORTER_USER:-}" ]]; then
    if [[ -z "${EXPORTER_PASSWORD:-}" ]]; then
      log "ERROR: EXPORTER_USER is set, so EXPORTER_PASSWORD must be set and non-empty"
      return 1
    fi
    local exporter exporter_password
    # The metrics sidecar connects over TCP from its own pod only.
    exporter="$(quote "$EXPORTER_USER")@'127.0.0.1'"
    exporter_password=$(quote "$EXPORTER_PASSWORD")
    sql+="
CREATE USER IF NOT EXISTS $exporter IDENTIFIED BY $exporter_password;
ALTER USER $exporter IDENTIFIED BY $exporter_password;
GRANT PROCESS, REPLICATION CLIENT, SELECT ON *.* TO $exporter;"
  fi

  if [[ -n "${BACKUP_USER:-}" ]]; then
    if [[ -z "${BACKUP_PASSWORD:-}" ]]; then
      log "ERROR: BACKUP_USER is set, so BACKUP_PASSWORD must be set and non-empty"
      return 1
    fi
    local backup backup_password
    # The backup sidecar connects over TCP from its own pod only; the privileges are what the
    # backup tool needs (MariaDB 10.11+: RELOAD, PROCESS, LOCK TABLES, BINLOG MONITOR, and SLAVE
    # MONITOR for --slave-info; MySQL 8 with XtraBackup: BACKUP_ADMIN, RELOAD, PROCESS, LOCK TABLES,
    # REPLICATION CLIENT and SELECT on performance_schema.log_status).
    backup="$(quote "$BACKUP_USER")@'127.0.0.%'"
    backup_password=$(quote "$BACKUP_PASSWORD")
    sql+="
CREATE USER IF NOT EXISTS $backup IDENTIFIED BY $backup_password;
ALTER USER $backup IDENTIFIED BY $backup_password;"
    if [[ "${MYSQL_FLAVOR:-mysql}" == mariadb ]]; then
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

  local client
  case "${MYSQL_FLAVOR:-mysql}" in
    mysql) client=mysql ;;
    mariadb) client=mariadb ;;
    *)
      log "ERROR: MYSQL_FLAVOR must be 'mysql' or 'mariadb', got '$MYSQL_FLAVOR'"
      return 1
      ;;
  esac
  if [[ -z "${MYSQL_ROOT_PASSWORD:-}" ]]; then
    log "ERROR: environment variable MYSQL_ROOT_PASSWORD must be set and non-empty"
    return 1
  fi
  local dir
  dir=$(mktemp -d "${TMPDIR:-/tmp}/create-users.XXXXXXXX")
  # shellcheck disable=SC2064 # expand now: $dir is local
  trap "rm -rf -- '$dir'" EXIT
  (
    umask 077
    printf '[client]\nuser="%s"\npassword="%s"\n' \
      "$(cnf_escape "${MYSQL_ADMIN_USER:-root}")" "$(cnf_escape "$MYSQL_ROOT_PASSWORD")" >"$dir/admin.cnf"
  )
  local connect=(--protocol=TCP "--host=${MYSQL_HOST:-127.0.0.1}" "--port=${MYSQL_PORT:-3306}")
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
