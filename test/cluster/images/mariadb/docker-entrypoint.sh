#!/bin/bash
# docker-entrypoint.sh of the mariadb stand-in (test/cluster/images): written for the test cluster,
# not the official image's script. It keeps the part of the official image's documented contract
# that the manifests of this repository use:
#   - `docker-entrypoint.sh mariadbd [args]` (the default command); a first argument starting
#     with '-' means `mariadbd <args>`; any other command is exec'd as it is;
#   - run as root, it makes the data directory the mysql user's (uid 999) and drops to it (gosu);
#   - an empty data directory (no mysql/ in it) is initialized: mariadb-install-db, a temporary
#     server on the socket only, time zone tables, root@localhost and root@MARIADB_ROOT_HOST ('%')
#     with MARIADB_ROOT_PASSWORD, MARIADB_DATABASE, MARIADB_USER/MARIADB_PASSWORD with all
#     privileges on that database, then /docker-entrypoint-initdb.d/* in order (*.sh executable:
#     run, else sourced, with docker_process_sql defined; *.sql, *.sql.gz, *.sql.xz, *.sql.zst
#     piped into the server);
#   - every MARIADB_X has the MYSQL_X alias and a X_FILE variant;
#   - the password variables are unset before the server is exec'd.
# Not implemented (our manifests use none of it): MARIADB_RANDOM_ROOT_PASSWORD,
# MARIADB_*_PASSWORD_HASH, MARIADB_REPLICATION_*/MARIADB_MASTER_*, healthcheck users and
# healthcheck.sh, MARIADB_AUTO_UPGRADE, initializing from a backup tarball.
set -eo pipefail
shopt -s nullglob

note() { printf '%s [Note] [Entrypoint]: %s\n' "$(date -u '+%F %T')" "$*"; }
fail() {
  printf '%s [ERROR] [Entrypoint]: %s\n' "$(date -u '+%F %T')" "$*" >&2
  exit 1
}

# shellcheck source-path=SCRIPTDIR/.. source=shared/env-file.sh
source /usr/local/lib/stand-in/env-file.sh

# pair SUFFIX [DEFAULT]: MARIADB_SUFFIX wins over MYSQL_SUFFIX; both end up set to the value.
pair() {
  local mysql="MYSQL_$1" maria="MARIADB_$1"
  from_env_or_file "$mysql" "${2:-}"
  from_env_or_file "$maria" "${!mysql}"
  export "$mysql=${!maria}"
}

# server_option NAME SERVER [ARGS]: the value the server would use for option NAME.
server_option() {
  local name=$1
  shift
  # the values table: lines that start in column 1 (descriptions are indented)
  "$@" --verbose --help 2>/dev/null | awk -v k="$name" '/^[^ \t]/ && $1 == k && !found { print $2; found = 1 }'
}

# docker_process_sql [--dont-use-mysql-root-password] [client args]: SQL on stdin to the temporary
# server, as root, in MARIADB_DATABASE when that is set. The name is part of the contract: scripts
# in /docker-entrypoint-initdb.d call it (this repository's create-users.sh does).
docker_process_sql() {
  local password=${MARIADB_ROOT_PASSWORD:-}
  if [[ "${1:-}" == --dont-use-mysql-root-password ]]; then
    password=''
    shift
  fi
  [[ -z "${MARIADB_DATABASE:-}" ]] || set -- "--database=$MARIADB_DATABASE" "$@"
  # --skip-ssl: the temporary server runs without TLS, and Debian's 11.8 client would otherwise
  # insist on it even over the socket ("SSL is required, but the server does not support it").
  MYSQL_PWD=$password mariadb --skip-ssl --protocol=socket -uroot -hlocalhost "--socket=$SOCKET" "$@"
}

sql_literal() {
  local v=${1//\\/\\\\}
  v=${v//$'\n'/\\n}
  printf "'%s'" "${v//\'/\\\'}"
}

sql_identifier() {
  # shellcheck disable=SC2016 # backquotes, not an expansion
  printf '`%s`' "${1//\`/\`\`}"
}

initialize() {
  [[ -n "$MARIADB_ROOT_PASSWORD" || -n "${MARIADB_ALLOW_EMPTY_ROOT_PASSWORD:-${MYSQL_ALLOW_EMPTY_PASSWORD:-}}" ]] \
    || fail "the database is uninitialized and no root password is given: set MARIADB_ROOT_PASSWORD (or MYSQL_ROOT_PASSWORD) or MARIADB_ALLOW_EMPTY_ROOT_PASSWORD (this stand-in supports no other way)"

  note "initializing the database files in $DATADIR"
  local args=() arg
  for arg in "${@:2}"; do [[ "$arg" =~ [[:space:]] ]] || args+=("$arg"); done
  mariadb-install-db "--datadir=$DATADIR" --auth-root-authentication-method=normal --skip-test-db \
    --cross-bootstrap --default-time-zone=SYSTEM --enforce-storage-engine= --skip-log-bin \
    --expire-logs-days=0 --old-mode=UTF8_IS_UTF8MB3 "${args[@]}" >/dev/null

  note "starting a temporary server (socket only)"
  "$@" --skip-networking "--socket=$SOCKET" --loose-wsrep-on=OFF --expire-logs-days=0 \
    --skip-slave-start --loose-innodb-buffer-pool-load-at-startup=0 --skip-ssl &
  local pid=$! i
  for ((i = 0; i < 60; i++)); do
    docker_process_sql --dont-use-mysql-root-password --database=mysql <<<'SELECT 1' >/dev/null 2>&1 && break
    kill -0 "$pid" 2>/dev/null || fail "the temporary server exited"
    sleep 1
  done
  ((i < 60)) || fail "the temporary server did not answer within 60s"

  if [[ -z "${MARIADB_INITDB_SKIP_TZINFO:-${MYSQL_INITDB_SKIP_TZINFO:-}}" ]]; then
    mariadb-tzinfo-to-sql --skip-write-binlog /usr/share/zoneinfo 2>/dev/null \
      | docker_process_sql --dont-use-mysql-root-password --database=mysql
  fi

  local pw root_host sql
  pw=$(sql_literal "$MARIADB_ROOT_PASSWORD")
  root_host=$(sql_literal "$MARIADB_ROOT_HOST")
  # Accounts first, outside the binary log (they are this server's own, not data to replicate).
  sql="SET @saved_log_bin = @@SESSION.SQL_LOG_BIN;
SET @@SESSION.SQL_LOG_BIN = 0;
SET @@SESSION.SQL_MODE = REPLACE(@@SESSION.SQL_MODE, 'NO_BACKSLASH_ESCAPES', '');
DROP USER IF EXISTS root@'127.0.0.1', root@'::1';
EXECUTE IMMEDIATE CONCAT('DROP USER IF EXISTS root@''', @@hostname, '''');
SET PASSWORD FOR root@localhost = PASSWORD($pw);"
  if [[ "$MARIADB_ROOT_HOST" != localhost ]]; then
    sql+="
CREATE USER root@$root_host IDENTIFIED BY $pw;
GRANT ALL ON *.* TO root@$root_host WITH GRANT OPTION;
GRANT PROXY ON ''@'%' TO root@$root_host WITH GRANT OPTION;"
  fi
  sql+="
SET @@SESSION.SQL_LOG_BIN = @saved_log_bin;"
  if [[ -n "$MARIADB_DATABASE" ]]; then
    note "creating database $MARIADB_DATABASE"
    sql+="
CREATE DATABASE IF NOT EXISTS $(sql_identifier "$MARIADB_DATABASE");"
  fi
  if [[ -n "$MARIADB_USER" && -n "$MARIADB_PASSWORD" ]]; then
    local account
    account="$(sql_literal "$MARIADB_USER")@$(sql_literal "$MARIADB_USER_HOST")"
    note "creating user $MARIADB_USER"
    sql+="
CREATE USER $account IDENTIFIED BY $(sql_literal "$MARIADB_PASSWORD");"
    if [[ -n "$MARIADB_DATABASE" ]]; then
      # '_' is a wildcard in a database grant: escape it, so the grant is for this database only.
      sql+="
GRANT ALL ON $(sql_identifier "${MARIADB_DATABASE//_/\\_}").* TO $account;"
    fi
  fi
  docker_process_sql --dont-use-mysql-root-password --database=mysql --binary-mode <<<"$sql"

  local f
  for f in /docker-entrypoint-initdb.d/*; do
    case $f in
      *.sh)
        if [[ -x "$f" ]]; then
          note "running $f"
          "$f"
        else
          note "sourcing $f"
          # shellcheck disable=SC1090
          . "$f"
        fi
        ;;
      *.sql) note "running $f" && docker_process_sql <"$f" ;;
      *.sql.gz) note "running $f" && gzip -dc "$f" | docker_process_sql ;;
      *.sql.xz) note "running $f" && xz -dc "$f" | docker_process_sql ;;
      *.sql.zst) note "running $f" && zstd -dc "$f" | docker_process_sql ;;
      *) note "ignoring $f" ;;
    esac
  done

  note "stopping the temporary server"
  kill "$pid"
  wait "$pid" || true
  note "initialization done"
}

main() {
  [[ "${1:0:1}" != - ]] || set -- mariadbd "$@"
  if [[ "$1" != mariadbd && "$1" != mysqld ]]; then
    exec "$@"
  fi
  local arg
  for arg in "$@"; do
    case $arg in -'?' | --help | --print-defaults | -V | --version) exec "$@" ;; esac
  done

  note "entrypoint of the Debian stand-in for MariaDB ${MARIADB_VERSION:-} started"
  local errors
  errors=$("$@" --verbose --help 2>&1 >/dev/null) || fail "$1 rejects its configuration: $errors"
  DATADIR=$(server_option datadir "$@")
  SOCKET=$(server_option socket "$@")
  pair ROOT_HOST %
  pair DATABASE
  pair USER
  pair PASSWORD
  pair ROOT_PASSWORD
  from_env_or_file MARIADB_USER_HOST %

  if [[ "$(id -u)" == 0 ]]; then
    mkdir -p "$DATADIR"
    find "$DATADIR" \! -user mysql -exec chown mysql: {} +
    [[ "${SOCKET:0:1}" == @ ]] || chown mysql: "${SOCKET%/*}" 2>/dev/null || true
    note "switching to user mysql"
    exec gosu mysql "${BASH_SOURCE[0]}" "$@"
  fi

  if [[ -d "$DATADIR/mysql" ]]; then
    note "$DATADIR/mysql exists: the database is initialized already"
  else
    initialize "$@"
  fi
  local v
  for v in ROOT_PASSWORD PASSWORD REPLICATION_PASSWORD ROOT_HOST; do
    unset "MARIADB_$v" "MYSQL_$v" "MARIADB_${v}_FILE" "MYSQL_${v}_FILE" "MARIADB_${v}_HASH"
  done
  exec "$@"
}

main "$@"
