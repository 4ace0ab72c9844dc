#!/bin/bash
# Waits until a TCP endpoint accepts connections, for at most WAIT_TIMEOUT_SECONDS, then fails
# with a clear message (the kubelet restarts the init container with back-off, so a database that
# comes up late is still picked up, and `kubectl logs -c <init container>` says what is missing).
#
# Env: WAIT_HOST, WAIT_PORT, WAIT_FOR (what it is, for the log), WAIT_TIMEOUT_SECONDS: required, the
# construct passes them; WAIT_INTERVAL_SECONDS (default 5): a knob the construct leaves alone.
set -euo pipefail

host="${WAIT_HOST:?WAIT_HOST is required}"
port="${WAIT_PORT:?WAIT_PORT is required}"
what="${WAIT_FOR:?WAIT_FOR is required}"
limit="${WAIT_TIMEOUT_SECONDS:?WAIT_TIMEOUT_SECONDS is required}"
interval="${WAIT_INTERVAL_SECONDS:-5}"

start=$SECONDS
attempt=0
while :; do
  attempt=$((attempt + 1))
  # bash's /dev/tcp opens a TCP connection; `timeout` bounds a connect that hangs (dropped packets).
  # shellcheck disable=SC2016 # $0 and $1 are expanded by the inner bash, on purpose
  if timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$host" "$port" 2>/dev/null; then
    echo "wait-for-tcp: ${what} ${host}:${port} accepts connections (attempt ${attempt}, $((SECONDS - start))s)"
    exit 0
  fi
  elapsed=$((SECONDS - start))
  if [ "$elapsed" -ge "$limit" ]; then
    echo "wait-for-tcp: giving up: ${what} ${host}:${port} did not accept a connection within ${limit}s (${attempt} attempts)." \
      "Check that it is running and that the host name resolves from this namespace; the pod retries with back-off." >&2
    exit 1
  fi
  echo "wait-for-tcp: ${what} ${host}:${port} not reachable yet (attempt ${attempt}, ${elapsed}s of ${limit}s); retrying in ${interval}s"
  sleep "$interval"
done
