#!/usr/bin/env bash
# shellcheck shell=bash
# Globals set here are used by the scripts that source this file:
# shellcheck disable=SC2034
#
# backup-common.sh - the backup repository layout, manifests and retention.
#
# Sourced after common.sh by backup.sh, restore.sh, drill.sh and s3.sh; it
# only defines functions and constants.
#
# A repository is a directory (a PVC path, or an emptyDir staging the objects
# of an S3 prefix) with one directory per backup, named
# <cluster>-<YYYYMMDD>T<HHMMSS>Z (UTC, so names sort by time):
#   backup.xbstream   the raw stream the backup tool wrote (--stream=xbstream)
#   *_info files      the tool's info files, copied out of the stream
#   manifest          key=value lines; written last: a backup without one
#                     (cut short, still being written) never counts
# Directories starting with '.' are work in progress and never listed.

BACKUP_STREAM_FILE=backup.xbstream
BACKUP_MANIFEST_FILE=manifest
BACKUP_NAME_RE='^[a-z0-9]([a-z0-9.-]*[a-z0-9])?-([0-9]{8})T([0-9]{6})Z$'
# Keys a manifest may hold, in the order they are written.
MANIFEST_KEYS=(format name engine server_version tool_version created source_host size sha256
  binlog_file binlog_position gtid source_binlog_file source_binlog_position source_gtid)
# The manifest fields, as read_manifest sets them and write_manifest writes them.
M_format='' M_name='' M_engine='' M_server_version='' M_tool_version='' M_created='' M_source_host=''
M_size='' M_sha256='' M_binlog_file='' M_binlog_position='' M_gtid='' M_source_binlog_file=''
M_source_binlog_position='' M_source_gtid=''

# The UTC time in a backup name as seconds since the epoch.
backup_epoch() {
  [[ "$1" =~ $BACKUP_NAME_RE ]] || die "'$1' is not a backup name (<cluster>-<YYYYMMDD>T<HHMMSS>Z)"
  local d=${BASH_REMATCH[2]} t=${BASH_REMATCH[3]}
  date -u -d "${d:0:4}-${d:4:2}-${d:6:2} ${t:0:2}:${t:2:2}:${t:4:2}" +%s
}

# Print the names of the good backups of name prefix $2 (any prefix when empty)
# in repository $1, oldest first.
list_backups() {
  local repo=$1 prefix=${2:-} dir name
  for dir in "$repo"/*/; do
    name=${dir%/}
    name=${name##*/}
    [[ "$name" =~ $BACKUP_NAME_RE && -f "$repo/$name/$BACKUP_MANIFEST_FILE" ]] || continue
    [[ -z "$prefix" || "${name%-*}" == "$prefix" ]] || continue
    printf '%s %s\n' "${name##*-}" "$name"
  done | sort | cut -d' ' -f2
}

# Read manifest file $1 into M_<key> variables (only MANIFEST_KEYS; lines of
# other keys are ignored).
read_manifest() {
  local key value k
  for k in "${MANIFEST_KEYS[@]}"; do printf -v "M_$k" '%s' ''; done
  while IFS='=' read -r key value; do
    for k in "${MANIFEST_KEYS[@]}"; do
      [[ "$key" == "$k" ]] && printf -v "M_$k" '%s' "$value"
    done
  done <"$1"
  [[ "$M_format" == 1 ]] || die "$1 is not a manifest of format 1 (format='$M_format')"
}

# Write the M_<key> variables as manifest $1 (through a temporary file).
write_manifest() {
  local k v
  for k in "${MANIFEST_KEYS[@]}"; do
    v="M_$k"
    printf '%s=%s\n' "$k" "${!v}"
  done >"$1.tmp"
  mv -f -- "$1.tmp" "$1"
}

# Read the names of good backups (oldest first) on stdin and print those the
# retention policy deletes: all but the newest RETENTION_COUNT (when set) and
# those older than RETENTION_MAX_AGE_DAYS days (when set). The newest backup
# is never printed.
select_expired() {
  local names=() now i epoch
  mapfile -t names
  ((${#names[@]} > 1)) || return 0
  now=$(date -u +%s)
  for ((i = 0; i < ${#names[@]} - 1; i++)); do
    if [[ -n "$RETENTION_COUNT" ]] && ((${#names[@]} - i > RETENTION_COUNT)); then
      printf '%s\n' "${names[i]}"
      continue
    fi
    if [[ -n "$RETENTION_MAX_AGE_DAYS" ]]; then
      epoch=$(backup_epoch "${names[i]}")
      ((now - epoch > RETENTION_MAX_AGE_DAYS * 86400)) && printf '%s\n' "${names[i]}"
    fi
  done
  return 0
}

# Read RETENTION_COUNT and RETENTION_MAX_AGE_DAYS (each empty, no limit, or >= 1).
load_retention_env() {
  require_env --may-be-empty RETENTION_COUNT RETENTION_MAX_AGE_DAYS
  local var
  for var in RETENTION_COUNT RETENTION_MAX_AGE_DAYS; do
    [[ -z "${!var}" ]] && continue
    [[ "${!var}" =~ ^[1-9][0-9]*$ ]] || die "$var must be empty or a whole number of at least 1, got '${!var}'"
  done
}

# Print the newest good backup of repository $1 ("latest") or check that
# backup $2 is there; fails loudly when there is none.
choose_backup() {
  local repo=$1 wanted=$2 latest
  if [[ "$wanted" == latest ]]; then
    latest=$(list_backups "$repo" | tail -n 1)
    [[ -n "$latest" ]] || die "no backup in $repo (no <cluster>-<time>/ directory with a manifest)"
    printf '%s\n' "$latest"
    return 0
  fi
  [[ "$wanted" =~ $BACKUP_NAME_RE ]] || die "RESTORE_BACKUP must be 'latest' or a backup name (<cluster>-<YYYYMMDD>T<HHMMSS>Z), got '$wanted'"
  [[ -f "$repo/$wanted/$BACKUP_MANIFEST_FILE" ]] \
    || die "backup $wanted not found in $repo (or it has no manifest: it was never completed)"
  printf '%s\n' "$wanted"
}
