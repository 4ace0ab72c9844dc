#!/usr/bin/env bash
#
# restore.sh - restore a backup from a repository into an empty data dir.
#
# Runs in the backup image (the backup tool and its stream tool, sha256sum):
#   bash /scripts/restore.sh bootstrap   init container of a new cluster
#   bash /scripts/restore.sh scratch     the restore drill's throwaway volume
# bootstrap: skips (exit 0) on ordinals > 0 (replicas clone as usual) and
#   when DATA_DIR holds a backup this script restored before (the
#   .restored-from marker); fails when DATA_DIR holds any other data.
# scratch: DATA_DIR must be empty.
# Then: picks RESTORE_BACKUP (a name, or "latest") in BACKUP_REPO_DIR; checks
# its manifest against the stream (size, sha256) and the target (the same
# engine, the same major.minor server version as MYSQL_VERSION, and a backup
# tool of that version); extracts it into DATA_DIR/.restore-incoming,
# prepares it, drops the source member's replication state (master.info,
# relay logs, change-source.*), records the backup name in .restored-from and
# moves it into DATA_DIR with mysql/ last. Any failure leaves DATA_DIR empty;
# a move cut short by a crash is undone on the next run.
#
# Env (set by the construct; HOSTNAME by the kubelet): MYSQL_FLAVOR,
#      MYSQL_VERSION, DATA_DIR, BACKUP_REPO_DIR, RESTORE_BACKUP; HOSTNAME
#      (bootstrap).
set -euo pipefail

# shellcheck source-path=SCRIPTDIR
# shellcheck source=../../scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# shellcheck source-path=SCRIPTDIR source=backup-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/backup-common.sh"

MODE=${1:-}
case "$MODE" in
  bootstrap | scratch) ;;
  *) die "usage: restore.sh bootstrap|scratch" ;;
esac
load_flavor
load_version
require_env DATA_DIR BACKUP_REPO_DIR RESTORE_BACKUP
STAGING=$DATA_DIR/.restore-incoming
MANIFEST=$DATA_DIR/.restore-manifest
MARKER=.restored-from

mkdir -p -- "$DATA_DIR"
discard_partial_move
if [[ $MODE == bootstrap ]]; then
  load_ordinal
  if ((ORDINAL > 0)); then
    log "ordinal $ORDINAL is a replica; it clones from ordinal $((ORDINAL - 1)) instead"
    exit 0
  fi
  if [[ -f "$DATA_DIR/$MARKER" && -d "$DATA_DIR/mysql" ]]; then
    log "DATA_DIR was restored from $(<"$DATA_DIR/$MARKER") before; nothing to do"
    exit 0
  fi
fi
leftover=$(find "$DATA_DIR" -mindepth 1 -maxdepth 1 ! -name lost+found -print -quit)
[[ -z "$leftover" ]] \
  || die "DATA_DIR $DATA_DIR is not empty (it has ${leftover##*/}): a restore only goes into an empty data dir. To keep this data, remove bootstrapFrom; to restore, delete the claim first"

for tool in "$STREAM_TOOL" "$BACKUP_TOOL" sha256sum; do
  command -v "$tool" >/dev/null 2>&1 || die "required tool '$tool' not found in PATH (wrong image for MYSQL_FLAVOR=$MYSQL_FLAVOR?)"
done
name=$(choose_backup "$BACKUP_REPO_DIR" "$RESTORE_BACKUP")
dir=$BACKUP_REPO_DIR/$name
read_manifest "$dir/$BACKUP_MANIFEST_FILE"
log "restoring backup $name ($M_engine $M_server_version, taken $M_created from $M_source_host)"

[[ "$M_engine" == "$MYSQL_FLAVOR" ]] \
  || die "backup $name is of engine '$M_engine'; it cannot be restored into $MYSQL_FLAVOR"
[[ "$M_server_version" =~ ^([0-9]+)\.([0-9]+)\. ]] \
  || die "backup $name has no usable server_version in its manifest ('$M_server_version')"
[[ "$((10#${BASH_REMATCH[1]})).$((10#${BASH_REMATCH[2]}))" == "$VERSION_MAJOR.$VERSION_MINOR" ]] \
  || die "backup $name is of server version $M_server_version; a physical backup only restores into the same major.minor version, and this cluster runs $MYSQL_VERSION"
tool_version=$("$BACKUP_TOOL" --version 2>&1 | sed -n 's/.*based on \(MariaDB\|MySQL\) server \([0-9]*\.[0-9]*\).*/\2/p' | head -n 1)
[[ "$tool_version" == "$VERSION_MAJOR.$VERSION_MINOR" ]] \
  || die "$BACKUP_TOOL here is for server version '${tool_version:-unknown}', not $MYSQL_VERSION (wrong backup image?)"

stream=$dir/$BACKUP_STREAM_FILE
[[ -f "$stream" ]] || die "backup $name has no $BACKUP_STREAM_FILE"
size=$(stat -c %s -- "$stream")
[[ "$size" == "$M_size" ]] || die "backup $name is damaged: $BACKUP_STREAM_FILE has $size bytes, the manifest says $M_size"
sum=$(sha256sum -- "$stream" | cut -d' ' -f1)
[[ "$sum" == "$M_sha256" ]] || die "backup $name is damaged: the sha256 of $BACKUP_STREAM_FILE is $sum, the manifest says $M_sha256"
log "checksum verified (sha256 $sum, $size bytes)"

init_cleanup
add_cleanup "$STAGING"
mkdir -p -- "$STAGING"
"$STREAM_TOOL" -x -C "$STAGING" <"$stream" || die "extracting backup $name failed"
"$BACKUP_TOOL" --prepare "--target-dir=$STAGING" || die "$BACKUP_TOOL --prepare of backup $name failed"
[[ -d "$STAGING/mysql" ]] || die "the prepared backup $name has no mysql/ system directory"
# The source member's replication state must not come along: a restored
# primary replicates from nobody.
rm -f -- "$STAGING"/master.info "$STAGING"/relay-log.info "$STAGING"/multi-master.info \
  "$STAGING"/relay-bin.* "$STAGING"/change-source.in "$STAGING"/change-source.done
printf '%s\n' "$name" >"$STAGING/$MARKER"

remove_cleanup "$STAGING"
move_staging_into_place
log "backup $name restored into $DATA_DIR (consistent at binlog $M_binlog_file:$M_binlog_position gtid ${M_gtid:-<none>})"
