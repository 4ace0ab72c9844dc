# shellcheck shell=bash disable=SC2119
# mmdebstrap hooks of the php-cli stand-in (official: php:*-cli-alpine, busybox userland, no bash):
# customize.sh essential|customize ROOT
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR/..
# shellcheck source=hooklib.sh
source "$HERE/../hooklib.sh"
ROOT=$2
[[ $1 == customize ]] || exit 0
# Alpine's www-data is 82:82.
set_ids www-data 82 82
mkdir -p "$ROOT/usr/local/etc/php/conf.d" "$ROOT/var/www/html"
chown 82:82 "$ROOT/var/www/html"
chmod 1777 "$ROOT/var/www/html"
ln -sfn /usr/bin/php8.4 "$ROOT/usr/local/bin/php"
install_file "$HERE/docker-php-entrypoint" /usr/local/bin/docker-php-entrypoint 0755
busybox_userland
cleanup
