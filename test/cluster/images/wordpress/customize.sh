# shellcheck shell=bash disable=SC2119,SC2154 # HERE and ROOT come from hook.sh
# mmdebstrap hooks of the WordPress (apache) stand-in
# (functions called by hook.sh).
customize() {
  in_root() { chroot "$ROOT" "$@"; }

  # WordPress where the official image keeps it: Debian's tree with its symlinks to the packaged
  # libraries resolved, Debian's own wp-config.php (which reads /etc/wordpress) left out.
  src=$ROOT/usr/src/wordpress
  rm -rf "$src"
  mkdir -p "$src"
  (cd "$ROOT/usr/share/wordpress" && tar -chf - --exclude=./wp-config.php --exclude=./.htaccess .) | tar -xf - -C "$src"
  for dir in "$src/wp-content" "$src/wp-content/themes" "$src/wp-content/plugins"; do
    [[ -e "$dir/index.php" ]] || printf '<?php\n// Silence is golden.\n' >"$dir/index.php"
  done
  cat >"$src/.htaccess" <<'HTACCESS'
# BEGIN WordPress

RewriteEngine On
RewriteRule .* - [E=HTTP_AUTHORIZATION:%{HTTP:Authorization}]
RewriteBase /
RewriteRule ^index\.php$ - [L]
RewriteCond %{REQUEST_FILENAME} !-f
RewriteCond %{REQUEST_FILENAME} !-d
RewriteRule . /index.php [L]

# END WordPress
HTACCESS
  install -m 0644 "$HERE/wp-config-docker.php" "$src/wp-config-docker.php"
  chown -R 33:33 "$src"
  # The package (and what only it needed, e.g. a mysql client the official image does not have) goes.
  in_root env DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq --autoremove \
    wordpress wordpress-theme-twentytwentyfive >/dev/null 2>&1 \
    || in_root env DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq --autoremove wordpress >/dev/null
  rm -rf "$ROOT/var/lib/wordpress" "$ROOT/etc/wordpress"

  # Apache as in the official php:*-apache image.
  envvars=$ROOT/etc/apache2/envvars
  sed -Ei 's/^export ([^=]+)=(.*)$/: ${\1:=\2}\nexport \1/' "$envvars"
  # shellcheck disable=SC1090
  run_dir=$(set +u && . "$envvars" && printf '%s %s %s %s' "$APACHE_LOCK_DIR" "$APACHE_RUN_DIR" "$APACHE_LOG_DIR" "$APACHE_RUN_DIR/socks")
  for dir in $run_dir; do
    real=$ROOT$(in_root readlink -m "$dir")
    rm -rf "$real"
    mkdir -p "$real"
    chown 33:33 "$real"
    chmod 1777 "$real"
  done
  # shellcheck disable=SC1090
  log_dir=$ROOT$(set +u && . "$envvars" && printf '%s' "$APACHE_LOG_DIR")
  ln -sfT /dev/stderr "$log_dir/error.log"
  ln -sfT /dev/stdout "$log_dir/access.log"
  ln -sfT /dev/stdout "$log_dir/other_vhosts_access.log"
  chown -h 33:33 "$log_dir"/*.log
  rm -rf "$ROOT"/var/www/html/*
  chown 33:33 "$ROOT/var/www/html"
  chmod 1777 "$ROOT/var/www/html"
  in_root a2dismod -q mpm_event >/dev/null 2>&1 || true
  in_root a2enmod -q mpm_prefork php8.4 rewrite expires remoteip >/dev/null
  cat >"$ROOT/etc/apache2/conf-available/docker-php.conf" <<'CONF'
<FilesMatch \.php$>
	SetHandler application/x-httpd-php
</FilesMatch>

DirectoryIndex disabled
DirectoryIndex index.php index.html

<Directory /var/www/>
	Options -Indexes
	AllowOverride All
</Directory>
CONF
  {
    echo 'RemoteIPHeader X-Forwarded-For'
    for net in 10.0.0.0/8 172.16.0.0/12 192.168.0.0/16 169.254.0.0/16 127.0.0.0/8; do
      echo "RemoteIPInternalProxy $net"
    done
  } >"$ROOT/etc/apache2/conf-available/remoteip.conf"
  in_root a2enconf -q docker-php remoteip >/dev/null
  find "$ROOT/etc/apache2" -type f -name '*.conf' -exec sed -ri 's/([[:space:]]*LogFormat[[:space:]]+"[^"]*)%h([^"]*")/\1%a\2/g' {} +

  # PHP settings of the official wordpress image (it has no php.ini; Debian's stays, these win).
  for sapi in apache2 cli; do
    conf=$ROOT/etc/php/8.4/$sapi/conf.d
    printf '%s\n' 'opcache.memory_consumption=128' 'opcache.interned_strings_buffer=8' \
      'opcache.max_accelerated_files=4000' 'opcache.revalidate_freq=2' >"$conf/90-opcache-recommended.ini"
    printf '%s\n' 'error_reporting = E_ERROR | E_WARNING | E_PARSE | E_CORE_ERROR | E_CORE_WARNING | E_COMPILE_ERROR | E_COMPILE_WARNING | E_RECOVERABLE_ERROR' \
      'display_errors = Off' 'display_startup_errors = Off' 'log_errors = On' 'error_log = /dev/stderr' \
      'log_errors_max_len = 1024' 'ignore_repeated_errors = On' 'ignore_repeated_source = Off' 'html_errors = Off' \
      >"$conf/90-error-logging.ini"
  done
  mkdir -p "$ROOT/usr/local/etc/php/conf.d"
  ln -sfn /usr/bin/php8.4 "$ROOT/usr/local/bin/php"
  install_file "$HERE/docker-entrypoint.sh" /usr/local/bin/docker-entrypoint.sh 0755
  ln -sfn docker-entrypoint.sh "$ROOT/usr/local/bin/docker-ensure-installed.sh"
  install_file "$HERE/apache2-foreground" /usr/local/bin/apache2-foreground 0755
  cleanup apache2
}
