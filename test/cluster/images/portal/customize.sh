# shellcheck shell=bash disable=SC2119
# mmdebstrap hooks of the harbor-portal stand-in: customize.sh essential|customize ROOT
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR/..
# shellcheck source=hooklib.sh
source "$HERE/../hooklib.sh"
ROOT=$2
case $1 in
  essential)
    add_account nginx 10000 10000 /home/nginx /bin/bash nginx
    ;;
  customize)
    mkdir -p "$ROOT/home/nginx" "$ROOT/var/log/nginx" "$ROOT/var/cache/nginx" "$ROOT/usr/share/nginx/html"
    chown 10000:10000 "$ROOT/home/nginx" "$ROOT/var/cache/nginx"
    rm -rf "$ROOT"/usr/share/nginx/html/* "$ROOT"/var/www/html
    install_file "$HERE/index.html" /usr/share/nginx/html/index.html 0644
    chown -R 10000:10000 "$ROOT/etc/nginx"
    ln -sfn /dev/stdout "$ROOT/var/log/nginx/access.log"
    ln -sfn /dev/stderr "$ROOT/var/log/nginx/error.log"
    cleanup
    ;;
esac
