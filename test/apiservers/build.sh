#!/usr/bin/env bash
# Builds kube-apiserver for one release from this folder's wrapper module (test/apiservers/vX.Y), once,
# into $CACHE/bin/kube-apiserver-<version>/, and prints that folder. The cluster build's kube-apiserver
# of the same version (test/cluster/build.sh) is reused when it is already there.
# Usage: build.sh v1.35
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
minor=${1:?usage: build.sh vX.Y}
module="$here/$minor"
[[ -f $module/go.mod ]] || { echo "build.sh: no wrapper module $module" >&2; exit 1; }
CACHE=${CDK8S_STATEFUL_CACHE:-$HOME/.cache/cdk8s-stateful}
export GOFLAGS=-buildvcs=false CGO_ENABLED=0
command -v go >/dev/null || { echo "build.sh: Go is not installed" >&2; exit 1; }

version=$(cd "$module" && go list -m -f '{{.Version}}' k8s.io/kubernetes)
dir="$CACHE/bin/kube-apiserver-$version"
if [[ -x $dir/kube-apiserver ]]; then echo "$dir"; exit 0; fi
tmp="$dir.partial.$$"
rm -rf "$tmp" && mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
cluster_build="$CACHE/bin/kubernetes-$version/kube-apiserver"
if [[ -x $cluster_build ]]; then
  cp "$cluster_build" "$tmp/"
else
  echo "building kube-apiserver $version (once; cached in $dir)" >&2
  ld=(
    -s -w
    -X "k8s.io/component-base/version.gitVersion=$version"
    -X "k8s.io/component-base/version.gitMajor=1"
    -X "k8s.io/component-base/version.gitMinor=$(cut -d. -f2 <<<"$version")"
    -X "k8s.io/component-base/version.gitTreeState=clean"
  )
  (cd "$module" && go build -trimpath -ldflags "${ld[*]}" -o "$tmp/" k8s.io/kubernetes/cmd/kube-apiserver)
fi
mv "$tmp" "$dir"
trap - EXIT
echo "$dir"
