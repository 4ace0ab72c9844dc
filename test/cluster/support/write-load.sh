#!/usr/bin/env bash
#
# write-load.sh - a steady write load through a database endpoint, for the cluster checks.
#
# Runs in a pod of the database image (mariadb client):
#   bash /load/write-load.sh
# Inserts one row (id 1, 2, ...) into TABLE on HOST as MYSQL_USER (password in MYSQL_PWD, read by
# the client from its env), a fresh connection each time, every INTERVAL seconds, until the file
# STOP_FILE exists. Prints one line per attempt: `ok <id> <epoch ms>` once the server acknowledged
# the row, `refused <id> <epoch ms> <error>` otherwise; then `done`.
set -uo pipefail

for name in HOST TABLE MYSQL_USER MYSQL_PWD INTERVAL STOP_FILE; do
  [[ -n "${!name:-}" ]] || {
    echo "write-load.sh: ERROR: $name must be set" >&2
    exit 1
  }
done
id=0
while [[ ! -e "$STOP_FILE" ]]; do
  id=$((id + 1))
  if err=$(mariadb --protocol=TCP -h "$HOST" -u "$MYSQL_USER" --connect-timeout=2 \
    -e "INSERT INTO $TABLE (id) VALUES ($id)" 2>&1); then
    echo "ok $id $(date +%s%3N)"
  else
    echo "refused $id $(date +%s%3N) ${err//$'\n'/ }"
  fi
  sleep "$INTERVAL"
done
echo "done"
