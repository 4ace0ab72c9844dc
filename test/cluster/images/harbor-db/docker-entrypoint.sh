#!/bin/bash
# /docker-entrypoint.sh OLD NEW of the harbor-db stand-in (test/cluster/images): written for the
# test cluster, not Harbor's script. Contract kept (what the manifests use):
#   - the cluster lives in $PGDATA/pg<NEW> (the image is started as `/docker-entrypoint.sh 15 18`);
#   - an empty one is initialized: initdb -U postgres -E UTF-8 with the en_US.UTF-8 locale and
#     POSTGRES_INITDB_ARGS; `host all all all scram-sha-256` (trust without POSTGRES_PASSWORD);
#     POSTGRES_USER (postgres) gets POSTGRES_PASSWORD, POSTGRES_DB is created; then
#     /docker-entrypoint-initdb.d/* (*.sh sourced, *.sql and *.sql.gz run with psql) - the image
#     ships one that creates the `registry` database Harbor core migrates;
#   - every POSTGRES_X may come from the file POSTGRES_X_FILE names;
#   - postgres is exec'd with -c max_connections=POSTGRES_MAX_CONNECTIONS (1024).
# Differences: the server is Debian's PostgreSQL 17, not 18; an old cluster ($PGDATA/pg<OLD> or
# $PGDATA/PG_VERSION) is not upgraded: the script stops with a message instead.
set -eo pipefail
shopt -s nullglob

old=${1:?usage: docker-entrypoint.sh OLD_MAJOR NEW_MAJOR}
new=${2:?usage: docker-entrypoint.sh OLD_MAJOR NEW_MAJOR}
: "${PGDATA:?PGDATA must be set}"
cluster=$PGDATA/pg$new

# shellcheck source-path=SCRIPTDIR/.. source=shared/env-file.sh
source /usr/local/lib/stand-in/env-file.sh

initialize() {
  from_env_or_file POSTGRES_INITDB_ARGS
  from_env_or_file POSTGRES_PASSWORD
  from_env_or_file POSTGRES_USER postgres
  from_env_or_file POSTGRES_DB "$POSTGRES_USER"
  # shellcheck disable=SC2086 # POSTGRES_INITDB_ARGS is a list of options
  initdb -D "$cluster" -U postgres -E UTF-8 --lc-collate=en_US.UTF-8 --lc-ctype=en_US.UTF-8 $POSTGRES_INITDB_ARGS
  local auth=scram-sha-256 password_sql=''
  if [[ -n "$POSTGRES_PASSWORD" ]]; then
    password_sql="PASSWORD '${POSTGRES_PASSWORD//\'/\'\'}'"
  else
    auth=trust
    echo "WARNING: no POSTGRES_PASSWORD: every host may connect without a password" >&2
  fi
  printf '\nhost all all all %s\n' "$auth" >>"$cluster/pg_hba.conf"
  pg_ctl -D "$cluster" -o "-c listen_addresses=''" -w start
  local psql=(psql -v ON_ERROR_STOP=1 --username postgres --no-password)
  if [[ "$POSTGRES_DB" != postgres ]]; then
    "${psql[@]}" --dbname postgres -c "CREATE DATABASE \"${POSTGRES_DB//\"/\"\"}\""
  fi
  local verb=CREATE
  [[ "$POSTGRES_USER" != postgres ]] || verb=ALTER
  "${psql[@]}" --dbname postgres -c "$verb USER \"${POSTGRES_USER//\"/\"\"}\" WITH SUPERUSER $password_sql"
  psql=(psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB")
  local f
  for f in /docker-entrypoint-initdb.d/*; do
    case $f in
      *.sh)
        echo "$0: running $f"
        # shellcheck disable=SC1090
        . "$f"
        ;;
      *.sql) echo "$0: running $f" && PGPASSWORD=$POSTGRES_PASSWORD "${psql[@]}" -f "$f" ;;
      *.sql.gz) echo "$0: running $f" && gzip -dc "$f" | PGPASSWORD=$POSTGRES_PASSWORD "${psql[@]}" ;;
      *) echo "$0: ignoring $f" ;;
    esac
  done
  pg_ctl -D "$cluster" -m fast -w stop
  echo "PostgreSQL init process complete; ready for start up."
}

if [[ -s "$PGDATA/PG_VERSION" ]]; then
  echo "$PGDATA holds a cluster of the layout before Harbor 2.x's pg<version> directories; this stand-in does not upgrade it" >&2
  exit 1
fi
if [[ ! -s "$cluster/PG_VERSION" ]]; then
  if [[ -s "$PGDATA/pg$old/PG_VERSION" ]]; then
    echo "$PGDATA/pg$old holds a PostgreSQL $old cluster; the official image would upgrade it to $new with pg_upgrade, this stand-in cannot (it has no PostgreSQL $old)" >&2
    exit 1
  fi
  echo "init DB, DB version: $new (Debian PostgreSQL $(postgres --version | awk '{print $3}'))"
  initialize
fi

from_env_or_file POSTGRES_MAX_CONNECTIONS 1024
max=$POSTGRES_MAX_CONNECTIONS
[[ "$max" =~ ^[0-9]+$ ]] || max=1024
if ((max <= 0 || max > 262143)); then max=262143; fi
exec postgres -D "$cluster" -c "max_connections=$max"
