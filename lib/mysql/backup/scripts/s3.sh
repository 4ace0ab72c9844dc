#!/usr/bin/env bash
#
# s3.sh - keep a backup repository in an S3-compatible bucket.
#
# Runs in the S3 client image (bash, curl 7.75+ for --aws-sigv4, coreutils,
# sed), beside the backup or restore containers, sharing an emptyDir that
# holds the repository's local copy:
#   bash /scripts/s3.sh push    after backup.sh: upload the one backup in
#                               BACKUP_REPO_DIR (the stream and info files
#                               first, the manifest last), then delete the
#                               backups the retention policy selects and the
#                               remains of uploads cut short (no manifest)
#   bash /scripts/s3.sh fetch   before restore.sh / drill.sh: download
#                               RESTORE_BACKUP (a name or "latest") into
#                               BACKUP_REPO_DIR/<name>/; with FETCH_FOR=bootstrap
#                               it skips on ordinals > 0 and when DATA_DIR/mysql
#                               exists (restore.sh then decides)
# Objects: <S3_PREFIX>/<name>/<file>, path-style URLs
# (<S3_ENDPOINT>/<S3_BUCKET>/<key>), requests signed with AWS Signature V4.
# The keys only travel in a mode-600 curl config file, never in argv.
#
# Env (set by the construct): S3_ENDPOINT (https://host[:port], or http://
#      when TLS is off), S3_BUCKET, S3_PREFIX, S3_REGION, AWS_ACCESS_KEY_ID,
#      AWS_SECRET_ACCESS_KEY, BACKUP_REPO_DIR; push: BACKUP_NAME_PREFIX,
#      RETENTION_COUNT, RETENTION_MAX_AGE_DAYS; fetch: RESTORE_BACKUP,
#      FETCH_FOR (bootstrap|drill), DATA_DIR (bootstrap); HOSTNAME (bootstrap,
#      set by the kubelet); TMPDIR (/tmp, not passed by the construct).
set -euo pipefail

# shellcheck source-path=SCRIPTDIR
# shellcheck source=../../scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# shellcheck source-path=SCRIPTDIR source=backup-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/backup-common.sh"

COMMAND=${1:-}
case "$COMMAND" in
  push | fetch) ;;
  *) die "usage: s3.sh push|fetch" ;;
esac
require_env S3_ENDPOINT S3_BUCKET S3_PREFIX S3_REGION AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY BACKUP_REPO_DIR
[[ "$S3_ENDPOINT" =~ ^https?://[^/]+$ ]] || die "S3_ENDPOINT must be http(s)://host[:port] without a path, got '$S3_ENDPOINT'"
command -v curl >/dev/null 2>&1 || die "required tool 'curl' not found in PATH (the S3 client image needs curl 7.75 or later)"

init_cleanup
make_private_dir
CURL_CONFIG=$PRIVATE_DIR/curl.cfg
(
  umask 077
  key=$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY
  key=${key//\\/\\\\}
  printf 'user = "%s"\n' "${key//\"/\\\"}" >"$CURL_CONFIG"
)

# The URL of object key $1 (keys hold only [A-Za-z0-9._/-]).
object_url() {
  printf '%s/%s/%s' "$S3_ENDPOINT" "$S3_BUCKET" "$1"
}

# curl with the signature, the config file first; extra args follow.
s3_curl() {
  curl --config "$CURL_CONFIG" --fail --silent --show-error --retry 3 \
    --aws-sigv4 "aws:amz:$S3_REGION:s3" -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' "$@"
}

# Percent-encode $1 for a query string.
url_encode() {
  local s=$1 out='' c i
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case "$c" in
      [A-Za-z0-9._~-]) out+=$c ;;
      *) out+=$(printf '%%%02X' "'$c") ;;
    esac
  done
  printf '%s' "$out"
}

# Print every key under S3_PREFIX/ (ListObjectsV2, following continuation tokens).
list_keys() {
  local token='' page query
  while :; do
    query="list-type=2&prefix=$(url_encode "$S3_PREFIX/")"
    [[ -z "$token" ]] || query+="&continuation-token=$(url_encode "$token")"
    page=$(s3_curl "$S3_ENDPOINT/$S3_BUCKET?$query") || die "listing s3 bucket $S3_BUCKET under $S3_PREFIX/ failed"
    grep -o '<Key>[^<]*</Key>' <<<"$page" | sed -e 's/^<Key>//' -e 's/<\/Key>$//' || true
    [[ "$page" == *'<IsTruncated>true</IsTruncated>'* ]] || return 0
    token=$(sed -n 's/.*<NextContinuationToken>\([^<]*\)<\/NextContinuationToken>.*/\1/p' <<<"$page")
    [[ -n "$token" ]] || die "the listing of $S3_BUCKET is truncated but has no continuation token"
  done
}

# Print the names of the good backups in the bucket (with a manifest), oldest first.
remote_backups() {
  local key name
  while IFS= read -r key; do
    [[ "$key" == "$S3_PREFIX/"*"/$BACKUP_MANIFEST_FILE" ]] || continue
    name=${key#"$S3_PREFIX/"}
    name=${name%"/$BACKUP_MANIFEST_FILE"}
    [[ "$name" =~ $BACKUP_NAME_RE ]] && printf '%s %s\n' "${name##*-}" "$name"
  done < <(list_keys) | sort | cut -d' ' -f2
}

# Delete the objects of backup $1, the manifest first.
delete_backup() {
  local key
  s3_curl -X DELETE "$(object_url "$S3_PREFIX/$1/$BACKUP_MANIFEST_FILE")" >/dev/null
  while IFS= read -r key; do
    [[ "$key" == "$S3_PREFIX/$1/"* ]] && s3_curl -X DELETE "$(object_url "$key")" >/dev/null
  done < <(list_keys)
  return 0
}

push() {
  load_retention_env
  require_env BACKUP_NAME_PREFIX
  local names name file key remote good
  mapfile -t names < <(list_backups "$BACKUP_REPO_DIR")
  ((${#names[@]} == 1)) || die "expected exactly one backup in $BACKUP_REPO_DIR to upload, found ${#names[@]}"
  name=${names[0]}
  for file in "$BACKUP_REPO_DIR/$name"/*; do
    [[ "${file##*/}" == "$BACKUP_MANIFEST_FILE" ]] && continue
    key="$S3_PREFIX/$name/${file##*/}"
    log "uploading $key"
    s3_curl -T "$file" "$(object_url "$key")" >/dev/null || die "uploading $key failed"
  done
  key="$S3_PREFIX/$name/$BACKUP_MANIFEST_FILE"
  s3_curl -T "$BACKUP_REPO_DIR/$name/$BACKUP_MANIFEST_FILE" "$(object_url "$key")" >/dev/null || die "uploading $key failed"
  log "backup $name uploaded to s3://$S3_BUCKET/$S3_PREFIX/$name/"

  good=$(remote_backups)
  [[ $'\n'"$good"$'\n' == *$'\n'"$name"$'\n'* ]] || die "backup $name is not listed in the bucket after its upload"
  while IFS= read -r remote; do
    [[ -n "$remote" ]] || continue
    log "retention: deleting $remote"
    delete_backup "$remote"
  done < <(grep -E "^$BACKUP_NAME_PREFIX-" <<<"$good" | select_expired)
  # Uploads cut short left objects without a manifest; nothing else writes here (concurrency Forbid).
  while IFS= read -r key; do
    remote=${key#"$S3_PREFIX/"}
    remote=${remote%%/*}
    [[ "$remote" =~ $BACKUP_NAME_RE && $'\n'"$good"$'\n' != *$'\n'"$remote"$'\n'* ]] || continue
    log "deleting $key, left by an upload that was cut short"
    s3_curl -X DELETE "$(object_url "$key")" >/dev/null
  done < <(list_keys)
}

fetch() {
  require_env RESTORE_BACKUP FETCH_FOR
  require_env --when FETCH_FOR=bootstrap DATA_DIR
  case "$FETCH_FOR" in
    bootstrap | drill) ;;
    *) die "FETCH_FOR must be 'bootstrap' or 'drill', got '$FETCH_FOR'" ;;
  esac
  local name key file
  if [[ "$FETCH_FOR" == bootstrap ]]; then
    load_ordinal
    if ((ORDINAL > 0)) || [[ -d "$DATA_DIR/mysql" ]]; then
      log "nothing to fetch: ordinal $ORDINAL clones from its peer, or the data dir has data"
      return 0
    fi
  fi
  if [[ "$RESTORE_BACKUP" == latest ]]; then
    name=$(remote_backups | tail -n 1)
    [[ -n "$name" ]] || die "no backup in s3://$S3_BUCKET/$S3_PREFIX/ (no <cluster>-<time>/manifest object)"
  else
    name=$RESTORE_BACKUP
    [[ "$name" =~ $BACKUP_NAME_RE ]] || die "RESTORE_BACKUP must be 'latest' or a backup name, got '$name'"
  fi
  mkdir -p -- "$BACKUP_REPO_DIR/.incoming-$name"
  add_cleanup "$BACKUP_REPO_DIR/.incoming-$name"
  s3_curl -o "$BACKUP_REPO_DIR/.incoming-$name/$BACKUP_MANIFEST_FILE" "$(object_url "$S3_PREFIX/$name/$BACKUP_MANIFEST_FILE")" \
    || die "backup $name not found in s3://$S3_BUCKET/$S3_PREFIX/ (no manifest: never completed, or deleted)"
  while IFS= read -r key; do
    file=${key##*/}
    [[ "$key" == "$S3_PREFIX/$name/"* && "$file" != "$BACKUP_MANIFEST_FILE" ]] || continue
    log "downloading $key"
    s3_curl -o "$BACKUP_REPO_DIR/.incoming-$name/$file" "$(object_url "$key")" || die "downloading $key failed"
  done < <(list_keys)
  mv -T -- "$BACKUP_REPO_DIR/.incoming-$name" "$BACKUP_REPO_DIR/$name"
  remove_cleanup "$BACKUP_REPO_DIR/.incoming-$name"
  log "backup $name downloaded into $BACKUP_REPO_DIR/$name (restore.sh verifies it)"
}

"$COMMAND"
