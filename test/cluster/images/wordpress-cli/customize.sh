# shellcheck shell=bash disable=SC2119,SC2154 # HERE and ROOT come from hook.sh
# mmdebstrap hooks of the wordpress:cli stand-in (official: php:*-alpine with bash, less,
# mysql-client (MariaDB's) and wp-cli; USER www-data)
# (functions called by hook.sh).
customize() {
  set_ids www-data 82 82
  mkdir -p "$ROOT/usr/local/etc/php/conf.d" "$ROOT/var/www/html"
  chown 82:82 "$ROOT/var/www/html"
  ln -sfn /usr/bin/php8.4 "$ROOT/usr/local/bin/php"
  printf '%s\n' 'error_reporting = E_ERROR | E_WARNING | E_PARSE | E_CORE_ERROR | E_CORE_WARNING | E_COMPILE_ERROR | E_COMPILE_WARNING | E_RECOVERABLE_ERROR' \
    'display_errors = Off' 'display_startup_errors = Off' 'log_errors = On' 'error_log = /dev/stderr' \
    'log_errors_max_len = 1024' 'ignore_repeated_errors = On' 'ignore_repeated_source = Off' 'html_errors = Off' \
    >"$ROOT/etc/php/8.4/cli/conf.d/90-error-logging.ini"
  install_file "$HERE/docker-entrypoint.sh" /usr/local/bin/docker-entrypoint.sh 0755
  busybox_userland keep-bash
  cleanup
}
