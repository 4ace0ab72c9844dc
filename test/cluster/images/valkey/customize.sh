# shellcheck shell=bash disable=SC2119
# mmdebstrap hooks of the valkey-photon stand-in: customize.sh essential|customize ROOT
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR/..
# shellcheck source=hooklib.sh
source "$HERE/../hooklib.sh"
ROOT=$2
case $1 in
  essential)
    add_account valkey 999 999 /var/lib/redis /sbin/nologin "Valkey Database Server"
    ;;
  customize)
    mkdir -p "$ROOT/var/lib/redis"
    chown 999:999 "$ROOT/var/lib/redis"
    install_file "$HERE/redis.conf" /etc/redis.conf 0644 999:999
    install_file "$HERE/docker-healthcheck" /usr/bin/docker-healthcheck 0755
    cleanup
    ;;
esac
