#!/usr/bin/env bash
# Regenerates what the validator knows of Kubernetes releases from their own API servers (a maintainer's
# tool, not part of `npm test`; docs/validation.md): for each release folder given (default: every vX.Y
# here), builds kube-apiserver (build.sh), starts etcd and it on free loopback ports in a temporary folder
# (token auth, Service range 10.96.0.0/16, default admission plugins and feature gates), and has judge.js
#   - write lib/validation/definitions/k8s-<X.Y>.json (the io.k8s.* definitions of /openapi/v2) and
#     lib/validation/definitions/features-<X.Y>.json (the default feature gates, from /metrics),
#   - replay the corpus (test/fixtures/apiserver-verdicts/corpus.jsonl.gz) as server-side dry runs and write
#     test/fixtures/apiserver-verdicts/v<X.Y>.jsonl.gz.
# Stops everything it started, also on failure. etcd comes from the test cluster's build (test/cluster/build.sh).
# Usage: test/apiservers/regenerate.sh [v1.35 v1.36 ... gates-v1.28]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
CACHE=${CDK8S_STATEFUL_CACHE:-$HOME/.cache/cdk8s-stateful}
SERVICE_CIDR=10.96.0.0/16

log() { printf 'regenerate: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

etcd_binary() {
  local version
  version=$(cd "$root/test/cluster" && go list -m -f '{{.Version}}' k8s.io/kubernetes)
  local etcd="$CACHE/bin/kubernetes-$version/etcd"
  [[ -x $etcd ]] || die "no etcd at $etcd: run test/cluster/build.sh once"
  echo "$etcd"
}

# wait_for WHAT SECONDS COMMAND...: runs COMMAND until it succeeds.
wait_for() {
  local what=$1 seconds=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)) || ! kill -0 "${pids[@]}" 2>/dev/null; then
      tail -n 20 "$work"/*.log >&2 || true
      die "$what is not ready (or stopped) after $((seconds - deadline + SECONDS)) s"
    fi
    sleep 1
  done
}

pids=()
work=
# Stops the processes started, newest first (kube-apiserver before the etcd its shutdown still talks to):
# SIGTERM, then SIGKILL after 30 s.
stop_all() {
  local i pid deadline
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    pid=${pids[i]}
    kill "$pid" 2>/dev/null || continue
    deadline=$((SECONDS + 30))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 1; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  pids=()
  if [[ -n $work ]]; then rm -rf "$work"; fi
  work=
}
trap stop_all EXIT

# regenerate vX.Y: one release, start to stop.
regenerate() {
  local minor=$1 bin etcd
  bin=$("$here/build.sh" "$minor")
  etcd=$(etcd_binary)
  work=$(mktemp -d)
  local etcd_port etcd_peer_port api_port
  etcd_port=$(free_port) etcd_peer_port=$(free_port) api_port=$(free_port)
  openssl genrsa -out "$work/sa.key" 2048 2>/dev/null
  openssl rsa -in "$work/sa.key" -pubout -out "$work/sa.pub" 2>/dev/null
  # A throwaway admin token for this run only: in a file, never on a command line.
  printf '%s,admin,admin,system:masters\n' "$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')" >"$work/tokens.csv"
  "$etcd" --name node --data-dir "$work/etcd" \
    --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$etcd_peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer_port" \
    --initial-cluster "node=http://127.0.0.1:$etcd_peer_port" --unsafe-no-fsync --listen-metrics-urls "" \
    >"$work/etcd.log" 2>&1 &
  pids+=($!)
  wait_for etcd 30 curl -fsS "http://127.0.0.1:$etcd_port/health"
  "$bin/kube-apiserver" --etcd-servers "http://127.0.0.1:$etcd_port" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --endpoint-reconciler-type none --secure-port "$api_port" --cert-dir "$work/certs" \
    --token-auth-file "$work/tokens.csv" --authorization-mode RBAC \
    --service-cluster-ip-range "$SERVICE_CIDR" \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$work/sa.pub" --service-account-signing-key-file "$work/sa.key" \
    --profiling=false >"$work/kube-apiserver.log" 2>&1 &
  pids+=($!)
  wait_for "kube-apiserver $minor" 120 test -s "$work/certs/apiserver.crt"
  local auth="$work/auth-header"
  printf 'Authorization: Bearer %s\n' "$(cut -d, -f1 "$work/tokens.csv")" >"$auth"
  wait_for "kube-apiserver $minor" 120 curl -fsS --cacert "$work/certs/apiserver.crt" -H "@$auth" "https://127.0.0.1:$api_port/readyz"
  log "kube-apiserver $minor is ready on 127.0.0.1:$api_port"
  APISERVER="https://127.0.0.1:$api_port" APISERVER_CA="$work/certs/apiserver.crt" APISERVER_AUTH_HEADER="$auth" \
    node "$here/judge.js" "${minor#v}" "$root"
  stop_all
}

# 1.28 is kept for cdk8s-plus-28's L1 classes: its definitions are upstream's swagger.json (docs/validation.md);
# only its gate list is made here, by a Go program against that release's k8s.io/kubernetes.
gates_128() {
  (cd "$here/gates-v1.28" && go run .) | node "$here/features-json.js" >"$root/lib/validation/definitions/features-1.28.json"
  log "wrote features-1.28.json"
}

minors=("$@")
if [[ ${#minors[@]} -eq 0 ]]; then
  for d in "$here"/v*/; do minors+=("$(basename "$d")"); done
  minors+=(gates-v1.28)
fi
for minor in "${minors[@]}"; do
  if [[ $minor == gates-v1.28 ]]; then gates_128; else regenerate "$minor"; fi
done
