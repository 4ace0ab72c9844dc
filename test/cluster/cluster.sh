#!/usr/bin/env bash
# The test cluster: one real Kubernetes node on this machine, without Docker or a registry.
#   cluster.sh up      builds what is missing (cached), starts the cluster, prints the kubeconfig path
#   cluster.sh down    stops it and removes every trace: processes, mounts, network devices,
#                      iptables rules, changed sysctls, files outside the cluster folder
#   cluster.sh status  prints the kubeconfig path and the state of each component
# Components: etcd, kube-apiserver (PodSecurity admission on), kube-controller-manager,
# kube-scheduler, kubelet with containerd and runc, CNI (bridge, host-local, portmap, loopback),
# kube-proxy (iptables), CoreDNS for cluster.local and a local-path provisioner for the
# StorageClasses `standard` (the default) and `sc-nfs`.
# One cluster runs on a machine at a time (kube-proxy's iptables chains are machine-wide): a
# second `up` is refused with one line. Pods reach this machine and each other, nothing beyond.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
here=$(cd "$(dirname "$0")" && pwd)
CLUSTER_DIR=${CDK8S_STATEFUL_CLUSTER_DIR:-/var/tmp/cdk8s-stateful-cluster}
NODE_NAME=cdk8s-stateful-node
# Folders outside CLUSTER_DIR that the kubelet, containerd and the CNI plugins write to whatever
# they are told; `down` removes those that did not exist before `up`.
OUTSIDE_DIRS=(/var/lib/kubelet /var/log/containers /var/log/pods /run/netns /var/lib/cni /opt/containerd /etc/cni /run/containerd)
# Sysctls the components change; `down` puts back the values `up` found.
SYSCTLS=(vm.overcommit_memory kernel.panic kernel.panic_on_oops net.ipv4.ip_forward
  net.bridge.bridge-nf-call-iptables net.ipv4.conf.all.route_localnet
  net.netfilter.nf_conntrack_max net.netfilter.nf_conntrack_tcp_timeout_established
  net.netfilter.nf_conntrack_tcp_timeout_close_wait kernel.keys.root_maxkeys kernel.keys.root_maxbytes)

say() { printf '%s\n' "$*" >&2; }
die() { say "cluster: $*"; exit 1; }
# Exit code 3: this machine cannot run the cluster (callers tell it from a failure).
cannot() { say "cluster: this machine cannot run the test cluster: $*"; exit 3; }

preflight() {
  [[ $(uname -s) == Linux ]] || cannot "it needs Linux"
  [[ $(id -u) -eq 0 ]] || cannot "it needs root (the kubelet, containerd and iptables do)"
  local c
  for c in cpu memory pids devices freezer; do
    [[ -d /sys/fs/cgroup/$c || -f /sys/fs/cgroup/cgroup.controllers ]] || cannot "no '$c' cgroup controller is mounted"
  done
  grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null || cannot "no overlay filesystem"
  command -v ip >/dev/null || cannot "no 'ip' command (iproute2)"
  [[ -d /proc/sys/net/bridge ]] || modprobe br_netfilter 2>/dev/null || cannot "no bridge netfilter (br_netfilter)"
  command -v go >/dev/null || cannot "no Go toolchain to build Kubernetes from the Go module proxy"
}

# Debian programs the node needs (runc, CNI plugins, iptables, conntrack, openssl, mmdebstrap, umoci).
install_packages() {
  local missing=()
  [[ -x /usr/sbin/runc || -x /usr/bin/runc ]] || missing+=(runc)
  [[ -x /usr/lib/cni/bridge ]] || missing+=(containernetworking-plugins)
  command -v iptables >/dev/null || missing+=(iptables)
  command -v conntrack >/dev/null || missing+=(conntrack)
  command -v openssl >/dev/null || missing+=(openssl)
  command -v mmdebstrap >/dev/null || missing+=(mmdebstrap)
  command -v umoci >/dev/null || missing+=(umoci)
  command -v nsenter >/dev/null || missing+=(util-linux)
  [[ ${#missing[@]} -eq 0 ]] && return 0
  say "installing Debian packages: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# A /24 for pods (its .1 is the node) and one for Services, both unused on this machine.
pick_networks() {
  local used x
  used=$(ip -4 route show table all; ip -4 addr show)
  for x in $(seq 1 254); do
    if ! grep -q "10\.233\.$x\.\|10\.234\.$x\." <<<"$used"; then
      POD_CIDR=10.233.$x.0/24 NODE_IP=10.233.$x.1 SERVICE_CIDR=10.234.$x.0/24 SERVICE_IP=10.234.$x.1
      BRIDGE=cdk8s$x
      return 0
    fi
  done
  die "no free 10.233.x.0/24 network for pods"
}

# A cluster runs when a process it started is alive; a folder left by one that died (a killed
# session, a reboot) is cleaned up by the next `up`.
running() {
  local f
  for f in "$CLUSTER_DIR"/pids/*; do
    [[ -f $f ]] && ours "$(cat "$f")" && return 0
  done
  return 1
}

# ours PID: the process is alive and is one of the cluster's (its command line names the folder).
ours() { tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF "$CLUSTER_DIR"; }

start() { # start NAME COMMAND...: runs COMMAND in its own session, logging to logs/NAME.log
  local name=$1
  shift
  setsid "$@" >"$CLUSTER_DIR/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$CLUSTER_DIR/pids/$name"
}

wait_for() { # wait_for WHAT SECONDS COMMAND...
  local what=$1 limit=$2 start=$SECONDS
  shift 2
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS - start >= limit)); then
      local name=${what%% *}
      say "cluster: $what not ready after ${limit} s; last lines of $CLUSTER_DIR/logs/$name.log:"
      tail -n 20 "$CLUSTER_DIR/logs/$name.log" >&2 2>/dev/null || true
      return 1
    fi
    sleep 0.3
  done
}

pki() {
  local d=$CLUSTER_DIR/pki
  mkdir -p "$d"
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=cdk8s-stateful-test-ca" \
    -keyout "$d/ca.key" -out "$d/ca.crt" -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  # cert NAME SUBJECT EXTENSIONS
  cert() {
    openssl req -newkey rsa:2048 -nodes -subj "$2" -keyout "$d/$1.key" -out "$d/$1.csr" 2>/dev/null
    printf '%s\n' "$3" >"$d/$1.ext"
    openssl x509 -req -in "$d/$1.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial -days 30 \
      -extfile "$d/$1.ext" -out "$d/$1.crt" 2>/dev/null
    rm -f "$d/$1.csr" "$d/$1.ext"
  }
  local client="basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"
  cert apiserver "/CN=kube-apiserver" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:$NODE_IP,IP:$SERVICE_IP,IP:127.0.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,DNS:localhost"
  cert admin "/O=system:masters/CN=cdk8s-stateful-admin" "$client"
  cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" "$client"
  cert controller-manager "/CN=system:kube-controller-manager" "$client"
  cert scheduler "/CN=system:kube-scheduler" "$client"
  cert kubelet "/O=system:nodes/CN=system:node:$NODE_NAME" "$client"
  cert kube-proxy "/CN=system:kube-proxy" "$client"
  openssl genrsa -out "$d/sa.key" 2048 2>/dev/null
  openssl rsa -in "$d/sa.key" -pubout -out "$d/sa.pub" 2>/dev/null
  chmod 600 "$d"/*.key
}

kubeconfig() { # kubeconfig USER: writes USER.kubeconfig for the client certificate pki/USER.crt
  cat >"$CLUSTER_DIR/$1.kubeconfig" <<YAML
apiVersion: v1
kind: Config
clusters:
- name: cdk8s-stateful
  cluster:
    certificate-authority: $CLUSTER_DIR/pki/ca.crt
    server: https://$NODE_IP:$APISERVER_PORT
users:
- name: $1
  user:
    client-certificate: $CLUSTER_DIR/pki/$1.crt
    client-key: $CLUSTER_DIR/pki/$1.key
contexts:
- name: cdk8s-stateful
  context: {cluster: cdk8s-stateful, user: $1}
current-context: cdk8s-stateful
YAML
}

network_up() {
  ip link add "$BRIDGE" type bridge
  ip addr add "$NODE_IP/24" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  sysctl -qw net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1
  # Pods reach this machine and each other, nothing beyond it: no masquerading, and nothing from
  # the pod network is forwarded out of the bridge (nor into it from elsewhere). In the mangle
  # table, whose FORWARD chain runs before the filter table's, where kube-proxy puts its accepts.
  iptables -w -t mangle -N CDK8S-STATEFUL
  iptables -w -t mangle -A CDK8S-STATEFUL -s "$POD_CIDR" ! -o "$BRIDGE" -j DROP
  iptables -w -t mangle -A CDK8S-STATEFUL -d "$POD_CIDR" ! -i "$BRIDGE" -j DROP
  iptables -w -t mangle -I FORWARD 1 -j CDK8S-STATEFUL
  mkdir -p "$CLUSTER_DIR/cni/net.d" "$CLUSTER_DIR/cni/ipam"
  cat >"$CLUSTER_DIR/cni/net.d/10-cdk8s-stateful.conflist" <<JSON
{
  "cniVersion": "1.0.0",
  "name": "cdk8s-stateful",
  "plugins": [
    {
      "type": "bridge", "bridge": "$BRIDGE", "isGateway": true, "ipMasq": false, "hairpinMode": true,
      "ipam": {
        "type": "host-local", "dataDir": "$CLUSTER_DIR/cni/ipam",
        "ranges": [[{ "subnet": "$POD_CIDR", "gateway": "$NODE_IP" }]],
        "routes": [{ "dst": "0.0.0.0/0" }]
      }
    },
    { "type": "portmap", "capabilities": { "portMappings": true } }
  ]
}
JSON
}

containerd_up() {
  local d=$CLUSTER_DIR/containerd runc
  runc=$(command -v runc || echo /usr/sbin/runc)
  mkdir -p "$d"
  cat >"$d/config.toml" <<TOML
version = 3
root = "$d/root"
state = "$d/state"
disabled_plugins = ["io.containerd.nri.v1.nri", "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]
[grpc]
  address = "$d/containerd.sock"
[ttrpc]
  address = "$d/containerd.sock.ttrpc"
[plugins.'io.containerd.internal.v1.opt']
  path = "$d/opt"
[plugins.'io.containerd.cri.v1.images']
  snapshotter = "overlayfs"
  [plugins.'io.containerd.cri.v1.images'.pinned_images]
    sandbox = "registry.k8s.io/pause:3.10.1"
[plugins.'io.containerd.cri.v1.runtime']
  # root here lacks CAP_SYS_RESOURCE: runc cannot set a negative OOM score.
  restrict_oom_score_adj = true
  [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
    runtime_type = "io.containerd.runc.v2"
    [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]
      BinaryName = "$runc"
      SystemdCgroup = false
  [plugins.'io.containerd.cri.v1.runtime'.cni]
    bin_dirs = ["/usr/lib/cni"]
    conf_dir = "$CLUSTER_DIR/cni/net.d"
TOML
  start containerd env PATH="$CONTAINERD_BIN:$PATH" "$CONTAINERD_BIN/containerd" --config "$d/config.toml"
  wait_for "containerd" 30 "$CONTAINERD_BIN/ctr" --address "$d/containerd.sock" version
  CTR=$CONTAINERD_BIN/ctr bash "$here/images/import.sh" "$IMAGES_DIR" "$d/containerd.sock" >"$CLUSTER_DIR/logs/images-import.log" 2>&1 \
    || { tail -n 20 "$CLUSTER_DIR/logs/images-import.log" >&2; die "importing the images failed"; }
}

control_plane_up() {
  local pki=$CLUSTER_DIR/pki
  start etcd "$KUBERNETES_BIN/etcd" --name node --data-dir "$CLUSTER_DIR/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "node=http://127.0.0.1:$ETCD_PEER_PORT" --unsafe-no-fsync --listen-metrics-urls ""
  wait_for "etcd" 30 curl -fsS "http://127.0.0.1:$ETCD_PORT/health"
  start kube-apiserver "$KUBERNETES_BIN/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:$ETCD_PORT" --bind-address "$NODE_IP" --advertise-address "$NODE_IP" \
    --secure-port "$APISERVER_PORT" --service-cluster-ip-range "$SERVICE_CIDR" \
    --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
    --client-ca-file "$pki/ca.crt" \
    --kubelet-client-certificate "$pki/apiserver-kubelet-client.crt" \
    --kubelet-client-key "$pki/apiserver-kubelet-client.key" \
    --kubelet-preferred-address-types InternalIP \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
    --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction,PodSecurity \
    --allow-privileged=true --profiling=false
  wait_for "kube-apiserver" 90 kubectl get --raw /readyz
  start kube-controller-manager "$KUBERNETES_BIN/kube-controller-manager" \
    --kubeconfig "$CLUSTER_DIR/controller-manager.kubeconfig" \
    --authentication-kubeconfig "$CLUSTER_DIR/controller-manager.kubeconfig" \
    --authorization-kubeconfig "$CLUSTER_DIR/controller-manager.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$CONTROLLER_MANAGER_PORT" --leader-elect=false \
    --service-account-private-key-file "$pki/sa.key" --root-ca-file "$pki/ca.crt" \
    --use-service-account-credentials --service-cluster-ip-range "$SERVICE_CIDR" \
    --cluster-signing-cert-file "$pki/ca.crt" --cluster-signing-key-file "$pki/ca.key" --profiling=false
  start kube-scheduler "$KUBERNETES_BIN/kube-scheduler" \
    --kubeconfig "$CLUSTER_DIR/scheduler.kubeconfig" \
    --authentication-kubeconfig "$CLUSTER_DIR/scheduler.kubeconfig" \
    --authorization-kubeconfig "$CLUSTER_DIR/scheduler.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$SCHEDULER_PORT" --leader-elect=false --profiling=false
}

# The kubelet's cgroup root (cgroupRoot), in every hierarchy; `down` removes it.
cgroups_up() {
  local c
  for c in /sys/fs/cgroup/*/; do
    [[ -f ${c}cgroup.procs ]] || continue
    mkdir -p "${c}cdk8s-stateful"
    if [[ -f ${c}cpuset.cpus ]]; then
      cat "${c}cpuset.cpus" >"${c}cdk8s-stateful/cpuset.cpus"
      cat "${c}cpuset.mems" >"${c}cdk8s-stateful/cpuset.mems"
    fi
  done
}

node_up() {
  local d=$CLUSTER_DIR/kubelet
  cgroups_up
  mkdir -p "$d/root" "$CLUSTER_DIR/pod-logs" "$CLUSTER_DIR/volumes"
  : >"$d/resolv.conf"
  cat >"$d/config.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
port: $KUBELET_PORT
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: $KUBELET_HEALTHZ_PORT
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $CLUSTER_DIR/pki/ca.crt}
authorization: {mode: Webhook}
cgroupDriver: cgroupfs
cgroupRoot: /cdk8s-stateful
failCgroupV1: false
failSwapOn: false
# root here lacks CAP_SYS_RESOURCE: no negative OOM scores.
oomScoreAdj: 0
clusterDNS: [$NODE_IP]
clusterDomain: cluster.local
resolvConf: $d/resolv.conf
containerRuntimeEndpoint: unix://$CLUSTER_DIR/containerd/containerd.sock
podLogsDir: $CLUSTER_DIR/pod-logs
serializeImagePulls: false
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: {memory.available: "0%", nodefs.available: "0%", nodefs.inodesFree: "0%", imagefs.available: "0%"}
protectKernelDefaults: false
makeIPTablesUtilChains: false
localStorageCapacityIsolation: true
YAML
  start kubelet env PATH="$CONTAINERD_BIN:$PATH" "$KUBERNETES_BIN/kubelet" \
    --config "$d/config.yaml" --kubeconfig "$CLUSTER_DIR/kubelet.kubeconfig" --root-dir "$d/root" \
    --hostname-override "$NODE_NAME" --node-ip "$NODE_IP" --cert-dir "$d/pki"
  cat >"$CLUSTER_DIR/kube-proxy.yaml" <<YAML
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
clientConnection: {kubeconfig: $CLUSTER_DIR/kube-proxy.kubeconfig}
hostnameOverride: $NODE_NAME
clusterCIDR: $POD_CIDR
metricsBindAddress: 127.0.0.1:$PROXY_METRICS_PORT
healthzBindAddress: 127.0.0.1:$PROXY_HEALTHZ_PORT
nodePortAddresses: [$NODE_IP/32]
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
YAML
  start kube-proxy "$KUBERNETES_BIN/kube-proxy" --config "$CLUSTER_DIR/kube-proxy.yaml"
  cat >"$CLUSTER_DIR/Corefile" <<COREFILE
.:53 {
  bind $NODE_IP
  errors
  kubernetes cluster.local in-addr.arpa ip6.arpa {
    kubeconfig $CLUSTER_DIR/admin.kubeconfig
    pods insecure
    fallthrough in-addr.arpa ip6.arpa
  }
  cache 5
}
COREFILE
  start coredns "$COREDNS_BIN/coredns" -conf "$CLUSTER_DIR/Corefile"
  start provisioner "$HARNESS_BIN/provisioner" -kubeconfig "$CLUSTER_DIR/admin.kubeconfig" \
    -root "$CLUSTER_DIR/volumes" -node "$NODE_NAME"
  wait_for "kubelet node" 120 node_ready
  kubectl apply -f - >/dev/null <<YAML
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: standard
  annotations: {storageclass.kubernetes.io/is-default-class: "true"}
provisioner: cdk8s-stateful.test/local-path
reclaimPolicy: Delete
volumeBindingMode: WaitForFirstConsumer
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: sc-nfs
provisioner: cdk8s-stateful.test/local-path
reclaimPolicy: Delete
volumeBindingMode: Immediate
YAML
  # The Prometheus Operator's PodMonitor and PrometheusRule CRDs (test/cluster/crds/, v0.93.0), as a
  # cluster with kube-prometheus-stack has them: the releases' monitoring objects are of these kinds.
  kubectl apply --server-side -f "$here/crds" >/dev/null
  wait_for "the Prometheus Operator CRDs established" 60 kubectl wait --for=condition=Established --timeout=5s \
    crd/podmonitors.monitoring.coreos.com crd/prometheusrules.monitoring.coreos.com
  wait_for "kube-controller-manager (default ServiceAccount)" 60 kubectl -n default get serviceaccount default
  wait_for "coredns answering kubernetes.default.svc.cluster.local" 60 dns_ready
  local f
  for f in "$CLUSTER_DIR"/pids/*; do
    kill -0 "$(cat "$f")" 2>/dev/null || { tail -n 20 "$CLUSTER_DIR/logs/$(basename "$f").log" >&2; die "$(basename "$f") exited"; }
  done
}

# The cluster DNS answers the API server's Service name with its cluster IP.
dns_ready() {
  local answer
  answer=$(node -e '
    const r = new (require("dns").promises.Resolver)({ timeout: 1000, tries: 1 });
    r.setServers([process.argv[1]]);
    r.resolve4("kubernetes.default.svc.cluster.local").then((a) => console.log(a.join(" ")), () => process.exit(1));
  ' "$NODE_IP")
  [[ $answer == "$SERVICE_IP" ]]
}

node_ready() {
  [[ $(kubectl get node "$NODE_NAME" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}') == True ]]
}

kubectl() { command "$KUBERNETES_BIN/kubectl" --kubeconfig "$CLUSTER_DIR/admin.kubeconfig" "$@"; }

up() {
  preflight
  if running; then
    die "a test cluster is already running on this machine ($CLUSTER_DIR/admin.kubeconfig); \`npm run cluster -- down\` stops it"
  fi
  [[ ! -e $CLUSTER_DIR ]] || down_quiet
  install_packages
  local t0=$SECONDS
  eval "$(bash "$here/build.sh")"
  IMAGES_DIR=${CDK8S_STATEFUL_IMAGES_DIR:-$(bash "$here/images/build-cached.sh" "$KUBERNETES_BIN" "$HARNESS_BIN")}
  say "binaries and images ready in $((SECONDS - t0)) s"
  t0=$SECONDS
  mkdir -p "$CLUSTER_DIR/pids" "$CLUSTER_DIR/logs"
  pick_networks
  APISERVER_PORT=$(free_port) ETCD_PORT=$(free_port) ETCD_PEER_PORT=$(free_port)
  CONTROLLER_MANAGER_PORT=$(free_port) SCHEDULER_PORT=$(free_port) KUBELET_PORT=$(free_port)
  KUBELET_HEALTHZ_PORT=$(free_port) PROXY_METRICS_PORT=$(free_port) PROXY_HEALTHZ_PORT=$(free_port)
  record_machine_state
  {
    local v
    for v in KUBERNETES_BIN KUBERNETES_VERSION CONTAINERD_BIN COREDNS_BIN HELM_BIN HARNESS_BIN IMAGES_DIR \
      POD_CIDR NODE_IP SERVICE_CIDR SERVICE_IP BRIDGE APISERVER_PORT ETCD_PORT ETCD_PEER_PORT \
      CONTROLLER_MANAGER_PORT SCHEDULER_PORT KUBELET_PORT KUBELET_HEALTHZ_PORT PROXY_METRICS_PORT \
      PROXY_HEALTHZ_PORT NODE_NAME; do
      printf '%s=%q\n' "$v" "${!v}"
    done
    printf 'KUBECONFIG=%q\n' "$CLUSTER_DIR/admin.kubeconfig"
  } >"$CLUSTER_DIR/state.env"
  trap up_failed EXIT
  pki
  local u
  for u in admin controller-manager scheduler kubelet kube-proxy; do kubeconfig "$u"; done
  network_up
  containerd_up
  control_plane_up
  node_up
  trap - EXIT
  say "cluster up in $((SECONDS - t0)) s: Kubernetes $KUBERNETES_VERSION, node $NODE_NAME at $NODE_IP"
  echo "$CLUSTER_DIR/admin.kubeconfig"
}

# On any failure of `up` once it has changed the machine: keep the logs, undo everything.
up_failed() {
  say "cluster: start failed; the logs are kept in ${CLUSTER_DIR}-failed-logs"
  rm -rf "${CLUSTER_DIR}-failed-logs"
  cp -r "$CLUSTER_DIR/logs" "${CLUSTER_DIR}-failed-logs" 2>/dev/null || true
  down_quiet
}

record_machine_state() {
  local s dir
  : >"$CLUSTER_DIR/sysctls.before"
  for s in "${SYSCTLS[@]}"; do
    if v=$(sysctl -n "$s" 2>/dev/null); then printf '%s=%s\n' "$s" "$v" >>"$CLUSTER_DIR/sysctls.before"; fi
  done
  : >"$CLUSTER_DIR/dirs.created"
  for dir in "${OUTSIDE_DIRS[@]}"; do [[ -e $dir ]] || echo "$dir" >>"$CLUSTER_DIR/dirs.created"; done
  netns_list >"$CLUSTER_DIR/netns.before"
  iptables-save 2>/dev/null | grep -o '^:[A-Z0-9-]*' | sort -u >"$CLUSTER_DIR/chains.before" || true
}

netns_list() { { find /run/netns -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null || true; } | sort; }

stop_processes() { # stop_processes NAME...: TERM to each, then KILL what is left after 10 s
  local name pid pids=() _
  for name in "$@"; do
    [[ -f $CLUSTER_DIR/pids/$name ]] || continue
    pid=$(cat "$CLUSTER_DIR/pids/$name")
    rm -f "$CLUSTER_DIR/pids/$name"
    ours "$pid" || continue
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    pids+=("$pid")
  done
  for _ in $(seq 1 50); do
    local alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    ((alive)) || return 0
    sleep 0.2
  done
  for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true; done
}

# Kills every process in the cluster's cgroups (the containers) and removes the cgroups.
cgroups_down() {
  local c dir
  for c in /sys/fs/cgroup/*/; do
    dir=${c}cdk8s-stateful
    [[ -d $dir ]] || continue
    local pid
    find "$dir" -name cgroup.procs -exec cat {} + 2>/dev/null | while read -r pid; do kill -KILL "$pid" 2>/dev/null; done
  done
  sleep 0.5
  for c in /sys/fs/cgroup/*/; do
    dir=${c}cdk8s-stateful
    [[ -d $dir ]] || continue
    find "$dir" -depth -type d -exec rmdir {} \; 2>/dev/null || true
  done
}

mounts_down() {
  local m
  # Deepest first: everything mounted under the cluster folder, and the pods' network namespaces.
  while read -r m; do umount -l "$m" 2>/dev/null || true; done < <(
    awk '{print $5}' /proc/self/mountinfo | grep -E "^($CLUSTER_DIR|/var/lib/kubelet|/run/netns/cni-|/run/containerd)" | sort -r
  )
}

down_quiet() {
  [[ -d $CLUSTER_DIR ]] || return 0
  set +e
  # shellcheck disable=SC1091
  [[ -f $CLUSTER_DIR/state.env ]] && source "$CLUSTER_DIR/state.env"
  stop_processes provisioner coredns kubelet
  # Containers go with their cgroups; their shims then exit.
  cgroups_down
  stop_processes kube-scheduler kube-controller-manager kube-apiserver etcd containerd kube-proxy
  pkill -KILL -f "containerd-shim-runc-v2 .*-address $CLUSTER_DIR/" 2>/dev/null
  cgroups_down
  if [[ -n ${KUBERNETES_BIN:-} && -x $KUBERNETES_BIN/kube-proxy ]]; then
    "$KUBERNETES_BIN/kube-proxy" --cleanup >/dev/null 2>&1
  fi
  mounts_down
  if [[ -f $CLUSTER_DIR/netns.before ]]; then
    comm -13 "$CLUSTER_DIR/netns.before" <(netns_list) | while read -r n; do
      ip netns delete "$n" 2>/dev/null
    done
  fi
  [[ -n ${BRIDGE:-} ]] && ip link delete "$BRIDGE" 2>/dev/null
  iptables -w -t mangle -D FORWARD -j CDK8S-STATEFUL 2>/dev/null
  iptables -w -t mangle -F CDK8S-STATEFUL 2>/dev/null
  iptables -w -t mangle -X CDK8S-STATEFUL 2>/dev/null
  if [[ -f $CLUSTER_DIR/chains.before ]]; then
    # Chains the CNI plugins or the kubelet made that were not there before, in both tables.
    local table chain
    for table in nat filter mangle; do
      iptables-save -t "$table" 2>/dev/null | grep -o '^:[A-Z0-9-]*' | sort -u \
        | comm -13 "$CLUSTER_DIR/chains.before" - | cut -c2- | while read -r chain; do
          iptables -w -t "$table" -F "$chain" 2>/dev/null
        done
      iptables-save -t "$table" 2>/dev/null | grep -o '^:[A-Z0-9-]*' | sort -u \
        | comm -13 "$CLUSTER_DIR/chains.before" - | cut -c2- | while read -r chain; do
          iptables-save -t "$table" | grep -- "-j $chain\b" | sed 's/^-A/-D/' | while read -r rule; do
            # shellcheck disable=SC2086
            iptables -w -t "$table" $rule 2>/dev/null
          done
          iptables -w -t "$table" -X "$chain" 2>/dev/null
        done
    done
  fi
  if [[ -f $CLUSTER_DIR/sysctls.before ]]; then
    while IFS= read -r line; do sysctl -qw "$line" >/dev/null 2>&1; done <"$CLUSTER_DIR/sysctls.before"
  fi
  if [[ -f $CLUSTER_DIR/dirs.created ]]; then
    while read -r dir; do
      [[ -n $dir ]] && rm -rf "$dir"
    done <"$CLUSTER_DIR/dirs.created"
  fi
  mounts_down
  rm -rf "$CLUSTER_DIR"
  set -e
}

down() {
  preflight_root_only
  if [[ ! -d $CLUSTER_DIR ]]; then
    say "no test cluster is running"
    return 0
  fi
  down_quiet
  [[ ! -d $CLUSTER_DIR ]] || die "could not remove $CLUSTER_DIR"
  say "cluster down: processes, mounts, bridge, iptables rules and sysctls restored"
}

preflight_root_only() { [[ $(id -u) -eq 0 ]] || cannot "it needs root"; }

status() {
  if ! [[ -f $CLUSTER_DIR/state.env ]]; then
    say "no test cluster is running"
    return 1
  fi
  # shellcheck disable=SC1091
  source "$CLUSTER_DIR/state.env"
  local f name pid state=0
  for f in "$CLUSTER_DIR"/pids/*; do
    name=$(basename "$f")
    pid=$(cat "$f")
    if ours "$pid"; then say "$name: running (pid $pid)"; else say "$name: NOT running"; state=1; fi
  done
  say "Kubernetes $KUBERNETES_VERSION; node $NODE_NAME at $NODE_IP; pods $POD_CIDR; services $SERVICE_CIDR"
  echo "$CLUSTER_DIR/admin.kubeconfig"
  return $state
}

case ${1:-} in
  preflight) preflight ;;
  up) up ;;
  down) down ;;
  status) status ;;
  *) say "usage: cluster.sh up | down | status | preflight"; exit 2 ;;
esac
