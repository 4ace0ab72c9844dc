# shellcheck shell=bash disable=SC2119,SC2154 # HERE and ROOT come from hook.sh
# mmdebstrap hooks of the php-cli stand-in (official: php:*-cli-alpine, busybox userland, no bash)
# (functions called by hook.sh).
customize() {
  # Alpine's www-data is 82:82.
  set_ids www-data 82 82
  mkdir -p "$ROOT/usr/local/etc/php/conf.d" "$ROOT/var/www/html"
  chown 82:82 "$ROOT/var/www/html"
  chmod 1777 "$ROOT/var/www/html"
  ln -sfn /usr/bin/php8.4 "$ROOT/usr/local/bin/php"
  install_file "$HERE/docker-php-entrypoint" /usr/local/bin/docker-php-entrypoint 0755
  busybox_userland
  cleanup
}
