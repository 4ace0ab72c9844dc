# shellcheck shell=bash disable=SC2119
# mmdebstrap hooks of the registry-photon stand-in: customize.sh essential|customize ROOT
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR/..
# shellcheck source=hooklib.sh
source "$HERE/../hooklib.sh"
ROOT=$2
case $1 in
  essential)
    add_account harbor 10000 10000 /home/harbor /bin/bash harbor
    ;;
  customize)
    mkdir -p "$ROOT/home/harbor" "$ROOT/etc/registry" "$ROOT/storage"
    chown 10000:10000 "$ROOT/home/harbor" "$ROOT/storage"
    binary=$(chroot "$ROOT" sh -c 'command -v docker-registry || command -v registry')
    ln -sfn "$binary" "$ROOT/usr/bin/registry_DO_NOT_USE_GC"
    install_file "$HERE/entrypoint.sh" /home/harbor/entrypoint.sh 0744 10000:10000
    cleanup
    ;;
esac
