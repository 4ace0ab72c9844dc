#!/usr/bin/env bash
# Builds the test cluster's programs from the Go module proxy, once per version, into the cache:
#   $CACHE/bin/kubernetes-<version>/  kube-apiserver kube-controller-manager kube-scheduler kubelet
#                                      kube-proxy kubectl agnhost etcd
#   $CACHE/bin/containerd-<version>/  containerd containerd-shim-runc-v2 ctr
#   $CACHE/bin/coredns-<version>-<hash>/ coredns
#   $CACHE/bin/helm-<version>/        helm
#   $CACHE/bin/harness-<hash>/        pause provisioner (this folder's own commands)
# A folder is written under a temporary name and renamed when complete, so an interrupted build
# is redone, never half-used. Prints `NAME=DIR` lines for the caller.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=versions.env source-path=SCRIPTDIR
source "$here/versions.env"
CACHE=${CDK8S_STATEFUL_CACHE:-$HOME/.cache/cdk8s-stateful}
export GOFLAGS=-buildvcs=false CGO_ENABLED=0
command -v go >/dev/null || { echo "build.sh: Go is not installed (the cluster is built from the Go module proxy)" >&2; exit 1; }

log() { printf '%s\n' "$*" >&2; }

# build_into DIR COMMAND...: runs COMMAND with OUT set to a temporary folder that becomes DIR.
build_into() {
  local dir=$1 start=$SECONDS
  shift
  if [[ -d $dir ]]; then return 0; fi
  local tmp="$dir.partial.$$"
  rm -rf "$tmp" && mkdir -p "$tmp"
  log "building $(basename "$dir") (once; cached in $dir)"
  OUT=$tmp "$@"
  mv "$tmp" "$dir"
  log "built $(basename "$dir") in $((SECONDS - start)) s"
}

module_version() { (cd "$1" && go list -m -f '{{.Version}}' "$2"); }

K8S_VERSION=$(module_version "$here" k8s.io/kubernetes)
K8S_MINOR=$(cut -d. -f2 <<<"$K8S_VERSION")
kubernetes() {
  local ld=(
    "-s" "-w"
    "-X" "k8s.io/component-base/version.gitVersion=$K8S_VERSION"
    "-X" "k8s.io/component-base/version.gitMajor=1"
    "-X" "k8s.io/component-base/version.gitMinor=$K8S_MINOR"
    "-X" "k8s.io/component-base/version.gitTreeState=clean"
    "-X" "k8s.io/client-go/pkg/version.gitVersion=$K8S_VERSION"
    "-X" "k8s.io/client-go/pkg/version.gitMajor=1"
    "-X" "k8s.io/client-go/pkg/version.gitMinor=$K8S_MINOR"
  )
  (cd "$here" && go build -trimpath -ldflags "${ld[*]}" -o "$OUT/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubelet k8s.io/kubernetes/cmd/kube-proxy \
    k8s.io/kubernetes/cmd/kubectl k8s.io/kubernetes/test/images/agnhost ./cmd/etcd)
}

containerd() {
  local v=${CONTAINERD_VERSION#v}
  GOBIN=$OUT go install -trimpath -tags "no_btrfs no_devmapper no_zfs" \
    -ldflags "-s -w -X github.com/containerd/containerd/v2/version.Version=$v" \
    "github.com/containerd/containerd/v2/cmd/containerd@$CONTAINERD_VERSION" \
    "github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2@$CONTAINERD_VERSION" \
    "github.com/containerd/containerd/v2/cmd/ctr@$CONTAINERD_VERSION"
}

coredns() { (cd "$here/coredns" && go build -trimpath -ldflags "-s -w" -o "$OUT/coredns" .); }

helm() {
  GOBIN=$OUT go install -trimpath -ldflags "-s -w -X helm.sh/helm/v4/internal/version.version=$HELM_VERSION" \
    "helm.sh/helm/v4/cmd/helm@$HELM_VERSION"
}

harness() { (cd "$here" && go build -trimpath -ldflags "-s -w" -o "$OUT/" ./cmd/pause ./cmd/provisioner); }

HARNESS_HASH=$(cd "$here" && cat go.mod go.sum cmd/pause/*.go cmd/provisioner/*.go | sha256sum | cut -c1-12)
# CoreDNS's folder is keyed by its version and by our main package (the plugin set).
COREDNS_VERSION=$(module_version "$here/coredns" github.com/coredns/coredns)-$(cat "$here"/coredns/* | sha256sum | cut -c1-8)

mkdir -p "$CACHE/bin"
build_into "$CACHE/bin/kubernetes-$K8S_VERSION" kubernetes
build_into "$CACHE/bin/containerd-$CONTAINERD_VERSION" containerd
build_into "$CACHE/bin/coredns-$COREDNS_VERSION" coredns
build_into "$CACHE/bin/helm-$HELM_VERSION" helm
build_into "$CACHE/bin/harness-$HARNESS_HASH" harness

echo "KUBERNETES_BIN=$CACHE/bin/kubernetes-$K8S_VERSION"
echo "KUBERNETES_VERSION=$K8S_VERSION"
echo "CONTAINERD_BIN=$CACHE/bin/containerd-$CONTAINERD_VERSION"
echo "COREDNS_BIN=$CACHE/bin/coredns-$COREDNS_VERSION"
echo "HELM_BIN=$CACHE/bin/helm-$HELM_VERSION"
echo "HARNESS_BIN=$CACHE/bin/harness-$HARNESS_HASH"
