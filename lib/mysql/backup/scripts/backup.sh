#!/usr/bin/env bash
#
# backup.sh - take a physical backup of one member into a repository.
#
# Runs in the backup CronJob's pod, in the backup image (mariadb-backup /
# xtrabackup, their stream tool, perl; ncat, else bash's /dev/tcp with
# coreutils' timeout):
#   bash /scripts/backup.sh
# 1. Removes the work directories (.incoming-*) of earlier runs that were cut
#    short (the CronJob forbids concurrent runs, so none is in use), and the
#    backups of this cluster without a manifest (a retention deletion cut
#    short: it deletes the manifest first).
# 2. Receives a fresh backup stream from the sidecar of BACKUP_SOURCE_HOST on
#    CLONE_PORT (the clone transport: the member keeps running) into
#    BACKUP_REPO_DIR/.incoming-<name>/backup.xbstream.
# 3. Copies the tool's info files out of the stream and fails unless they
#    show a complete backup (checkpoints, binlog and server info).
# 4. Writes the manifest: engine, server and tool version, time, source,
#    size, sha256, the binlog file/position and GTID the backup is consistent
#    at (the member's own, and its primary's when taken from a replica).
# 5. Publishes it by renaming the directory to <name> (one rename: a backup
#    is either complete with its manifest or not there).
# 6. With BACKUP_APPLY_RETENTION=yes, deletes the backups the retention
#    policy selects (never the newest, the one just taken).
# Prints the new backup's name on stdout.
#
# Env (set by the construct): MYSQL_FLAVOR, BACKUP_REPO_DIR,
#      BACKUP_NAME_PREFIX (the cluster name), BACKUP_SOURCE_HOST, CLONE_PORT,
#      CLONE_CONNECT_TIMEOUT_SECONDS, BACKUP_APPLY_RETENTION (yes|no),
#      RETENTION_COUNT, RETENTION_MAX_AGE_DAYS (each may be empty: no limit).
set -euo pipefail

# shellcheck source-path=SCRIPTDIR
# shellcheck source=../../scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# shellcheck source-path=SCRIPTDIR source=backup-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/backup-common.sh"

load_flavor
load_retention_env
require_env BACKUP_REPO_DIR BACKUP_NAME_PREFIX BACKUP_SOURCE_HOST CLONE_PORT CLONE_CONNECT_TIMEOUT_SECONDS BACKUP_APPLY_RETENTION
require_uint CLONE_PORT "$CLONE_PORT"
require_uint CLONE_CONNECT_TIMEOUT_SECONDS "$CLONE_CONNECT_TIMEOUT_SECONDS"
case "$BACKUP_APPLY_RETENTION" in
  yes | no) ;;
  *) die "BACKUP_APPLY_RETENTION must be 'yes' or 'no', got '$BACKUP_APPLY_RETENTION'" ;;
esac
for tool in perl sha256sum; do
  command -v "$tool" >/dev/null 2>&1 || die "required tool '$tool' not found in PATH"
done
choose_receive_transport

[[ -d "$BACKUP_REPO_DIR" ]] || mkdir -p -- "$BACKUP_REPO_DIR" || die "cannot create the repository $BACKUP_REPO_DIR"
for stale in "$BACKUP_REPO_DIR"/.incoming-*; do
  [[ -e "$stale" ]] || continue
  log "removing $stale, left by a run that was cut short"
  rm -rf -- "$stale"
done
for dir in "$BACKUP_REPO_DIR"/*/; do
  old=${dir%/}
  old=${old##*/}
  [[ "$old" =~ $BACKUP_NAME_RE && "${old%-*}" == "$BACKUP_NAME_PREFIX" && ! -e "$BACKUP_REPO_DIR/$old/$BACKUP_MANIFEST_FILE" ]] || continue
  log "removing $BACKUP_REPO_DIR/$old, a deletion that was cut short (no manifest)"
  rm -rf -- "${BACKUP_REPO_DIR:?}/$old"
done

name="$BACKUP_NAME_PREFIX-$(date -u +%Y%m%dT%H%M%SZ)"
[[ "$name" =~ $BACKUP_NAME_RE ]] || die "BACKUP_NAME_PREFIX '$BACKUP_NAME_PREFIX' does not make a valid backup name ($name)"
[[ ! -e "$BACKUP_REPO_DIR/$name" ]] || die "$BACKUP_REPO_DIR/$name exists already (two backups in one second?)"
stage="$BACKUP_REPO_DIR/.incoming-$name"
init_cleanup
add_cleanup "$stage"
mkdir -p -- "$stage"

log "receiving a backup of $BACKUP_SOURCE_HOST:$CLONE_PORT into $stage"
rc=0
fetch_stream "$BACKUP_SOURCE_HOST" "$CLONE_PORT" >"$stage/$BACKUP_STREAM_FILE" || rc=$?
((rc == 0)) || die "receiving the backup from $BACKUP_SOURCE_HOST:$CLONE_PORT failed (exit status $rc); is its sidecar serving backups?"
[[ -s "$stage/$BACKUP_STREAM_FILE" ]] || die "received nothing from $BACKUP_SOURCE_HOST:$CLONE_PORT (empty stream)"

info_names=()
for prefix in xtrabackup mariadb_backup; do
  info_names+=("${prefix}_checkpoints" "${prefix}_info" "${prefix}_binlog_info" "${prefix}_slave_info")
done
perl "$(dirname "${BASH_SOURCE[0]}")/xbstream-extract.pl" "$stage/$BACKUP_STREAM_FILE" "$stage" "${info_names[@]}" >/dev/null \
  || die "the stream from $BACKUP_SOURCE_HOST:$CLONE_PORT is not a readable xbstream"

# mariadb-backup 11.x writes mariadb_backup_*, older versions and xtrabackup xtrabackup_*.
info_prefix=xtrabackup
[[ -f "$stage/mariadb_backup_checkpoints" ]] && info_prefix=mariadb_backup
for suffix in checkpoints info binlog_info; do
  [[ -s "$stage/${info_prefix}_$suffix" ]] \
    || die "the stream from $BACKUP_SOURCE_HOST:$CLONE_PORT is not a complete backup (no ${info_prefix}_$suffix; cut short, or binary logging off?)"
done

# "key = value" lines of the tool's info file.
info_value() {
  sed -n "s/^$1 = //p" "$stage/${info_prefix}_info" | head -n 1
}

# The M_* fields are written by write_manifest.
# shellcheck disable=SC2034
M_format=1 M_name=$name M_engine=$MYSQL_FLAVOR M_source_host=$BACKUP_SOURCE_HOST
M_server_version=$(info_value server_version)
# shellcheck disable=SC2034
M_tool_version=$(info_value tool_version)
# shellcheck disable=SC2034
M_created=$(date -u +%Y-%m-%dT%H:%M:%SZ)
M_size=$(stat -c %s -- "$stage/$BACKUP_STREAM_FILE")
M_sha256=$(sha256sum -- "$stage/$BACKUP_STREAM_FILE" | cut -d' ' -f1)
parse_binlog_info "$stage/${info_prefix}_binlog_info"
M_binlog_file=$BI_FILE M_binlog_position=$BI_POS M_gtid=$BI_GTID
M_source_binlog_file='' M_source_binlog_position='' M_source_gtid=''
if [[ -s "$stage/${info_prefix}_slave_info" ]]; then
  parse_slave_info "$stage/${info_prefix}_slave_info"
  # shellcheck disable=SC2034
  M_source_binlog_file=$SI_FILE M_source_binlog_position=$SI_POS M_source_gtid=$SI_GTID
fi
[[ -n "$M_server_version" ]] || die "${info_prefix}_info in the stream has no server_version"
write_manifest "$stage/$BACKUP_MANIFEST_FILE"

remove_cleanup "$stage"
mv -T -- "$stage" "$BACKUP_REPO_DIR/$name"
log "backup $name complete: $M_size bytes, sha256 $M_sha256, consistent at binlog $M_binlog_file:$M_binlog_position gtid ${M_gtid:-<none>}"

if [[ $BACKUP_APPLY_RETENTION == yes ]]; then
  while IFS= read -r expired; do
    log "retention: deleting $expired"
    # The manifest goes first: from then on the backup no longer counts as good.
    rm -f -- "$BACKUP_REPO_DIR/$expired/$BACKUP_MANIFEST_FILE"
    rm -rf -- "${BACKUP_REPO_DIR:?}/$expired"
  done < <(list_backups "$BACKUP_REPO_DIR" "$BACKUP_NAME_PREFIX" | select_expired)
fi
printf '%s\n' "$name"
