#!/usr/bin/env bash
#
# clone.sh - seed an empty replica data directory from the previous member.
#
# Runs as an init container in the backup image (xtrabackup / mariadb-backup;
# ncat when present, else bash's /dev/tcp with coreutils' timeout), after
# init-config.sh:
#   bash /scripts/clone.sh
# Skips (exit 0) when DATA_DIR/mysql exists (data present) or on the declared
# primary (PRIMARY_ORDINAL). Otherwise the donor is ordinal - 1 (ready before
# this pod under OrderedReady: the primary or a replica of it), or the primary
# for ordinal 0. Waits for the donor's host to resolve (`getent ahosts`, so
# IP literals work too), receives the backup stream its sidecar serves on
# CLONE_PORT into DATA_DIR/.clone-incoming (retrying the connection), checks it
# is a complete backup, prepares it there, then moves it into DATA_DIR with the
# mysql/ system directory last, so DATA_DIR/mysql only exists once everything
# else is in place. On failure the staging dir is removed and nothing else is
# left behind. A move interrupted by a crash is undone on the next run
# (DATA_DIR/.clone-manifest lists what was moved).
#
# Env (set by the construct; HOSTNAME by the kubelet): MYSQL_FLAVOR, HOSTNAME,
#      PRIMARY_ORDINAL, MEMBER_HOST_TEMPLATE, DATA_DIR, CLONE_PORT, PEER_WAIT_SECONDS.
# Knobs the construct does not pass (its pods run with these defaults, tests
# shorten them): CLONE_CONNECT_ATTEMPTS (3), CLONE_RETRY_DELAY_SECONDS (5),
#      CLONE_CONNECT_TIMEOUT_SECONDS (10, the connect timeout of either
#      transport), LOG_EVERY_SECONDS (5).
set -euo pipefail

# shellcheck source-path=SCRIPTDIR
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

load_flavor
load_ordinal
load_primary
load_member_hosts
require_env DATA_DIR CLONE_PORT PEER_WAIT_SECONDS
# Not passed by the construct (see above).
CLONE_CONNECT_ATTEMPTS=${CLONE_CONNECT_ATTEMPTS:-3}
CLONE_RETRY_DELAY_SECONDS=${CLONE_RETRY_DELAY_SECONDS:-5}
CLONE_CONNECT_TIMEOUT_SECONDS=${CLONE_CONNECT_TIMEOUT_SECONDS:-10}
for var in CLONE_PORT PEER_WAIT_SECONDS CLONE_CONNECT_ATTEMPTS CLONE_RETRY_DELAY_SECONDS CLONE_CONNECT_TIMEOUT_SECONDS; do
  require_uint "$var" "${!var}"
done
((CLONE_CONNECT_ATTEMPTS > 0)) || CLONE_CONNECT_ATTEMPTS=1

STAGING=$DATA_DIR/.clone-incoming
MANIFEST=$DATA_DIR/.clone-manifest

# The checkpoints file is written at the end of a backup by both tools
# (mariadb-backup 11.x renamed it), so it marks a complete stream.
backup_is_complete() {
  local prefix info=no
  [[ -f "$STAGING/xtrabackup_checkpoints" || -f "$STAGING/mariadb_backup_checkpoints" ]] || return 1
  for prefix in xtrabackup mariadb_backup; do
    [[ -s "$STAGING/${prefix}_binlog_info" || -s "$STAGING/${prefix}_slave_info" ]] && info=yes
  done
  [[ $info == yes ]]
}

# One attempt at receiving the stream into a fresh staging dir.
receive_backup() {
  rm -rf -- "$STAGING" && mkdir -p -- "$STAGING" || return 1
  log "receiving backup from $PEER:$CLONE_PORT (attempt $1 of $CLONE_CONNECT_ATTEMPTS)"
  local rc=0
  fetch_stream "$PEER" "$CLONE_PORT" | "$STREAM_TOOL" -x -C "$STAGING" || rc=$?
  if ((rc != 0)); then
    log "receiving from $PEER:$CLONE_PORT failed (exit status $rc)"
    return 1
  fi
  if [[ -z "$(ls -A -- "$STAGING")" ]]; then
    log "received nothing from $PEER:$CLONE_PORT (empty stream)"
    return 1
  fi
  if ! backup_is_complete; then
    log "the stream from $PEER:$CLONE_PORT is not a complete backup (no checkpoints or binlog/slave info file)"
    return 1
  fi
}

if [[ -d "$DATA_DIR/mysql" ]]; then
  discard_partial_move
  log "data already present in $DATA_DIR (mysql/ exists); skipping clone"
  exit 0
fi
if ((ORDINAL == PRIMARY)); then
  log "ordinal $ORDINAL is the declared primary; nothing to clone"
  exit 0
fi

mkdir -p -- "$DATA_DIR"
discard_partial_move

for tool in "$STREAM_TOOL" "$BACKUP_TOOL" getent; do
  command -v "$tool" >/dev/null 2>&1 || die "required tool '$tool' not found in PATH (wrong image for MYSQL_FLAVOR=$MYSQL_FLAVOR?)"
done
choose_receive_transport

PEER=$(member_host "$(clone_donor)")
wait_for "$PEER to resolve" "$PEER_WAIT_SECONDS" getent ahosts "$PEER" \
  || die "$PEER did not resolve within ${PEER_WAIT_SECONDS}s"

init_cleanup
add_cleanup "$STAGING"
received=no
for ((attempt = 1; attempt <= CLONE_CONNECT_ATTEMPTS; attempt++)); do
  if receive_backup "$attempt"; then
    received=yes
    break
  fi
  ((attempt < CLONE_CONNECT_ATTEMPTS)) && sleep "$CLONE_RETRY_DELAY_SECONDS"
done
[[ $received == yes ]] || die "could not clone from $PEER:$CLONE_PORT after $CLONE_CONNECT_ATTEMPTS attempt(s); is its sidecar serving backups?"

log "preparing the backup in $STAGING"
"$BACKUP_TOOL" --prepare "--target-dir=$STAGING" || die "$BACKUP_TOOL --prepare failed"
[[ -d "$STAGING/mysql" ]] || die "the prepared backup has no mysql/ system directory"

# Guard files of the donor's own replication setup must not come along.
rm -f -- "$STAGING"/change-source.in "$STAGING"/change-source.done

# From here on a crash is recovered through the manifest, not the trap.
remove_cleanup "$STAGING"
move_staging_into_place
log "clone from $PEER complete; data is in $DATA_DIR"
