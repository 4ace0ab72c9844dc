#!/bin/bash
# /docker-healthcheck.sh of the harbor-db stand-in (test/cluster/images): healthy when
# `SELECT 1` over TCP to localhost, as POSTGRES_USER (postgres) with POSTGRES_PASSWORD, answers 1.
set -eo pipefail
user=${POSTGRES_USER:-postgres}
answer=$(PGPASSWORD=${POSTGRES_PASSWORD:-} psql --host localhost --username "$user" \
  --dbname "${POSTGRES_DB:-$user}" --no-password --quiet --no-align --tuples-only -c 'SELECT 1') || exit 1
[[ "$answer" == 1 ]]
