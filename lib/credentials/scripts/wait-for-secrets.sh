#!/bin/sh
# wait-for-secrets.sh - an init container that waits until Secret keys exist, with a clear log
# line, so that the pod's other containers never start without them.
#
# Each Secret is mounted as an optional Secret volume at $SECRETS_DIR/<secret name>: the kubelet
# starts the pod with the volume empty while the Secret is missing, and writes the keys into it on
# a later pod sync once the Secret exists (up to a minute or two: its sync period plus its Secret
# cache). The script only checks that the files exist and are not empty; it never reads a value.
#
# Args: <secret>/<key> ... (what to wait for)
# Env:  SECRETS_DIR and CREATED_BY (who creates the Secrets, for the log line): required, the
#       construct passes them; WAIT_SECONDS (600; 0 waits forever) and LOG_EVERY_SECONDS (10):
#       knobs the construct leaves at these defaults
set -eu

SCRIPT_NAME=wait-for-secrets.sh

log() {
  printf '%s: %s\n' "$SCRIPT_NAME" "$*" >&2
}

for name in SECRETS_DIR CREATED_BY; do
  eval "value=\${$name:-}"
  [ -n "$value" ] || { log "ERROR: environment variable $name must be set and non-empty"; exit 2; }
done
WAIT_SECONDS=${WAIT_SECONDS:-600}
LOG_EVERY_SECONDS=${LOG_EVERY_SECONDS:-10}
for value in "$WAIT_SECONDS" "$LOG_EVERY_SECONDS"; do
  case $value in '' | *[!0-9]*) log "ERROR: WAIT_SECONDS and LOG_EVERY_SECONDS must be integers"; exit 2 ;; esac
done
[ "$#" -gt 0 ] || { log "ERROR: name at least one <secret>/<key>"; exit 2; }
for item in "$@"; do
  case $item in */*) ;; *) log "ERROR: '$item' is not <secret>/<key>"; exit 2 ;; esac
done

# The first item whose file is missing or empty, or nothing.
first_missing() {
  for item in "$@"; do
    if [ ! -s "$SECRETS_DIR/$item" ]; then
      printf '%s' "$item"
      return 0
    fi
  done
}

waited=0
last_log=-1
while :; do
  missing=$(first_missing "$@")
  if [ -z "$missing" ]; then
    log "all $# Secret keys are there (waited ${waited}s)"
    exit 0
  fi
  if [ "$WAIT_SECONDS" -gt 0 ] && [ "$waited" -ge "$WAIT_SECONDS" ]; then
    log "ERROR: gave up after ${waited}s: key ${missing#*/} of Secret ${missing%%/*} is still missing; is $CREATED_BY done? (kubectl get jobs; kubectl logs job/<name>)"
    exit 1
  fi
  if [ "$last_log" -lt 0 ] || [ $((waited - last_log)) -ge "$LOG_EVERY_SECONDS" ]; then
    log "waiting for key ${missing#*/} of Secret ${missing%%/*} (created by $CREATED_BY)"
    last_log=$waited
  fi
  sleep 1
  waited=$((waited + 1))
done
