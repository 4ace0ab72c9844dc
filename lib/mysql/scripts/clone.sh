#!/usr/bin/env bash
#
# clone.sh - seed an empty replica data directory from the previous member.
#
# Runs as an init container in the backup image (xtrabackup / mariadb-backup;
# ncat when present, else bash's /dev/tcp with coreutils' timeout), after
# init-config.sh:
#   bash /scripts/clone.sh
# Skips (exit 0) when DATA_DIR/mysql exists (data present) or on ordinal 0.
# Otherwise waits for member_host(ordinal-1) to resolve (`getent ahosts`, so
# IP literals work too), receives the backup stream its sidecar serves on
# CLONE_PORT into DATA_DIR/.clone-incoming (retrying the connection), checks it
# is a complete backup, prepares it there, then moves it into DATA_DIR with the
# mysql/ system directory last, so DATA_DIR/mysql only exists once everything
# else is in place. On failure the staging dir is removed and nothing else is
# left behind. A move interrupted by a crash is undone on the next run
# (DATA_DIR/.clone-manifest lists what was moved).
#
# Env: MYSQL_FLAVOR, HOSTNAME, MEMBER_HOST_TEMPLATE, DATA_DIR (/var/lib/mysql),
#      CLONE_PORT (3307), PEER_WAIT_SECONDS (120), CLONE_CONNECT_ATTEMPTS (3),
#      CLONE_RETRY_DELAY_SECONDS (5), CLONE_CONNECT_TIMEOUT_SECONDS (10, the
#      connect timeout of either transport),
#      LOG_EVERY_SECONDS (5).
set -euo pipefail

# shellcheck source-path=SCRIPTDIR
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

load_env
load_ordinal
CLONE_PORT=${CLONE_PORT:-3307}
PEER_WAIT_SECONDS=${PEER_WAIT_SECONDS:-120}
CLONE_CONNECT_ATTEMPTS=${CLONE_CONNECT_ATTEMPTS:-3}
CLONE_RETRY_DELAY_SECONDS=${CLONE_RETRY_DELAY_SECONDS:-5}
CLONE_CONNECT_TIMEOUT_SECONDS=${CLONE_CONNECT_TIMEOUT_SECONDS:-10}
for var in CLONE_PORT PEER_WAIT_SECONDS CLONE_CONNECT_ATTEMPTS CLONE_RETRY_DELAY_SECONDS CLONE_CONNECT_TIMEOUT_SECONDS; do
  require_uint "$var" "${!var}"
done
((CLONE_CONNECT_ATTEMPTS > 0)) || CLONE_CONNECT_ATTEMPTS=1

STAGING=$DATA_DIR/.clone-incoming
MANIFEST=$DATA_DIR/.clone-manifest

# Remove what an interrupted earlier run left behind. Only names recorded in
# the manifest (entries this script moved out of the staging dir) are removed
# from DATA_DIR; nothing else there is touched.
discard_partial_clone() {
  local name
  if [[ -f "$MANIFEST" ]]; then
    log "removing the remains of an interrupted clone (listed in $MANIFEST)"
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

# Write the stream served on PEER:CLONE_PORT to stdout. With ncat when it is
# installed; else through bash's /dev/tcp in a child bash that `timeout` kills
# if the connection is not open within CLONE_CONNECT_TIMEOUT_SECONDS. Once
# connected the child ignores SIGTERM, so the transfer itself is not bounded
# (like `ncat -w`), and --preserve-status keeps its exit status.
fetch_stream() {
  if [[ $TRANSPORT == ncat ]]; then
    ncat --recv-only -w "$CLONE_CONNECT_TIMEOUT_SECONDS" "$PEER" "$CLONE_PORT"
  else
    # shellcheck disable=SC2016 # expanded by the child bash
    timeout --preserve-status "$CLONE_CONNECT_TIMEOUT_SECONDS" "$BASH" -c \
      'exec 3<"/dev/tcp/$1/$2" || exit 1; trap "" TERM; exec cat <&3' fetch-stream "$PEER" "$CLONE_PORT"
  fi
}

# One attempt at receiving the stream into a fresh staging dir.
receive_backup() {
  rm -rf -- "$STAGING" && mkdir -p -- "$STAGING" || return 1
  log "receiving backup from $PEER:$CLONE_PORT (attempt $1 of $CLONE_CONNECT_ATTEMPTS)"
  local rc=0
  fetch_stream | "$STREAM_TOOL" -x -C "$STAGING" || rc=$?
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

# Move the prepared backup into DATA_DIR, mysql/ last.
move_into_place() {
  local name names=()
  while IFS= read -r -d '' name; do
    name=${name##*/}
    case "$name" in
      mysql) ;;
      lost+found) rm -rf -- "${STAGING:?}/$name" ;;
      *)
        [[ -e "$DATA_DIR/$name" || -L "$DATA_DIR/$name" ]] \
          && die "refusing to overwrite $DATA_DIR/$name (DATA_DIR has unexpected content; the clone is left in $STAGING)"
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

if [[ -d "$DATA_DIR/mysql" ]]; then
  discard_partial_clone
  log "data already present in $DATA_DIR (mysql/ exists); skipping clone"
  exit 0
fi
if ((ORDINAL == 0)); then
  log "ordinal 0 is the primary; nothing to clone"
  exit 0
fi

mkdir -p -- "$DATA_DIR"
discard_partial_clone

for tool in "$STREAM_TOOL" "$BACKUP_TOOL" getent; do
  command -v "$tool" >/dev/null 2>&1 || die "required tool '$tool' not found in PATH (wrong image for MYSQL_FLAVOR=$MYSQL_FLAVOR?)"
done
if command -v ncat >/dev/null 2>&1; then
  TRANSPORT=ncat
elif command -v timeout >/dev/null 2>&1; then
  TRANSPORT=dev-tcp
  log "ncat not found; receiving through bash's /dev/tcp"
else
  die "neither 'ncat' nor 'timeout' (for bash's /dev/tcp) found in PATH; one of them is needed to receive the backup"
fi

PEER=$(member_host $((ORDINAL - 1)))
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
move_into_place
log "clone from $PEER complete; data is in $DATA_DIR"
