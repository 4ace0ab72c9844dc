# shellcheck shell=bash disable=SC2119
# mmdebstrap hooks of the prom/mysqld-exporter stand-in: customize.sh essential|customize ROOT
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR/..
# shellcheck source=hooklib.sh
source "$HERE/../hooklib.sh"
ROOT=$2
case $1 in
  essential) ;;
  customize)
    # The official image's entrypoint path, running Debian's build.
    ln -sfn /usr/bin/prometheus-mysqld-exporter "$ROOT/bin/mysqld_exporter"
    cleanup
    ;;
esac
