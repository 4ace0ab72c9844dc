#!/usr/bin/env bash
# import.sh <out-dir> <containerd-address> - imports every image build.sh made in <out-dir> into
# containerd's k8s.io namespace (the one the kubelet's CRI uses), under the exact name the
# manifests use, and checks that each name is listed afterwards.
#
# The name comes from the tar's file name (see build.sh): docker.io+library+mariadb@11.8.8.tar is
# imported with --base-name docker.io/library/mariadb and so listed as
# docker.io/library/mariadb:11.8.8 (the archive's index tags it 11.8.8).
# Env: CTR (the ctr binary; default: ctr on PATH), NAMESPACE (k8s.io).
set -euo pipefail

log() { printf 'import.sh: %s\n' "$*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}

(($# == 2)) || die "usage: import.sh <out-dir> <containerd-address>"
dir=$1 address=$2
ctr=${CTR:-ctr}
namespace=${NAMESPACE:-k8s.io}
command -v "$ctr" >/dev/null 2>&1 || die "no '$ctr' (set CTR to the ctr binary)"
[[ -d "$dir" ]] || die "$dir is not a directory"

shopt -s nullglob
tars=("$dir"/*@*.tar)
((${#tars[@]} > 0)) || die "no image archives (<name>@<tag>.tar) in $dir; run build.sh first"

ctr_() { "$ctr" --address "$address" --namespace "$namespace" "$@"; }

# import_one TAR: imports one archive and checks that its name is listed.
import_one() {
  local tar=$1 file repo ref start=$SECONDS
  file=${tar##*/}
  file=${file%.tar}
  repo=${file%@*}
  repo=${repo//+//}
  ref=$repo:${file##*@}
  ctr_ images import --base-name "$repo" "$tar" >/dev/null || die "importing $tar failed"
  # grep without -q reads to the end: with -q it exits at the first match and ctr dies of SIGPIPE,
  # which pipefail turns into a failure.
  ctr_ images ls --quiet | grep -xF -- "$ref" >/dev/null || die "$tar was imported but $ref is not listed"
  printf '%-55s imported in %ds\n' "$ref" "$((SECONDS - start))"
}

# Two at a time (unpacking a layer is mostly one core's work); any failure fails the whole import.
pids=()
for tar in "${tars[@]}"; do
  import_one "$tar" &
  pids+=($!)
  if ((${#pids[@]} == 2)); then
    wait "${pids[0]}" || die "an import failed"
    pids=("${pids[@]:1}")
  fi
done
for pid in "${pids[@]}"; do wait "$pid" || die "an import failed"; done
