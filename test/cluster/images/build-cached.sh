#!/usr/bin/env bash
# build-cached.sh KUBERNETES_BIN HARNESS_BIN: makes sure every image the test cluster imports is
# built, and prints the folder that holds them. The folder is keyed by a hash of the image recipes
# (this folder's files but this script and import.sh) and of the binaries put in images (agnhost, pause), so a changed recipe
# builds anew and an unchanged one is reused. An interrupted build is redone, never half-used.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
kubernetes_bin=${1:?usage: build-cached.sh KUBERNETES_BIN HARNESS_BIN}
harness_bin=${2:?usage: build-cached.sh KUBERNETES_BIN HARNESS_BIN}
CACHE=${CDK8S_STATEFUL_CACHE:-$HOME/.cache/cdk8s-stateful}

# Only what goes into the images: not this script, nor import.sh.
key=$( (cd "$here" && find . -type f ! -name build-cached.sh ! -name import.sh -print0 | sort -z | xargs -0 sha256sum
  sha256sum "$kubernetes_bin/agnhost" "$harness_bin/pause" | cut -d' ' -f1) | sha256sum | cut -c1-12)
out=$CACHE/images-$key
# pause_image OUT: the pod sandbox image registry.k8s.io/pause:3.10.1, only the pause program.
pause_image() {
  local tmp
  tmp=$(mktemp -d)
  umoci init --layout "$tmp/oci"
  umoci new --image "$tmp/oci:3.10.1"
  umoci unpack --image "$tmp/oci:3.10.1" "$tmp/bundle" >/dev/null
  install -m 0755 "$harness_bin/pause" "$tmp/bundle/rootfs/pause"
  umoci repack --image "$tmp/oci:3.10.1" "$tmp/bundle"
  umoci config --image "$tmp/oci:3.10.1" --config.entrypoint /pause --config.user 65535:65535
  umoci gc --layout "$tmp/oci"
  tar -C "$tmp/oci" -cf "$1/registry.k8s.io+pause@3.10.1.tar" .
  rm -rf "$tmp"
}

if [[ ! -f $out/.complete ]]; then
  mkdir -p "$out"
  start=$SECONDS
  [[ -f $out/registry.k8s.io+pause@3.10.1.tar ]] || pause_image "$out"
  AGNHOST_BIN=$kubernetes_bin/agnhost bash "$here/build.sh" "$out" >&2
  touch "$out/.complete"
  echo "images built in $((SECONDS - start)) s into $out" >&2
fi
echo "$out"
