#!/bin/bash
# docker-entrypoint.sh of the WordPress stand-in (test/cluster/images): written for the test
# cluster, not the official image's script. Contract kept (the part the manifests can meet):
#   - for `apache2*` or `php-fpm` commands (or when called as docker-ensure-installed.sh): when the
#     working directory has neither index.php nor wp-includes/version.php, WordPress is copied
#     from /usr/src/wordpress into it (owned by the running user; as root, by APACHE_RUN_USER or
#     www-data), without overwriting a wp-content/<kind>/<name> or .htaccess that exists;
#   - then, when there is no non-empty wp-config.php and some WORDPRESS_* variable is set,
#     wp-config.php is made from wp-config-docker.php with random keys in place of the
#     "put your unique phrase here" defaults;
#   - then the command is exec'd.
set -Eeuo pipefail

note() { printf '%s\n' "$*" >&2; }

ensure_installed() {
  local user group
  if [[ "$(id -u)" == 0 ]]; then
    user=www-data group=www-data
    if [[ "${1:-}" == apache2* ]]; then
      user=${APACHE_RUN_USER:-www-data} group=${APACHE_RUN_GROUP:-www-data}
      user=${user#'#'} group=${group#'#'}
    fi
  else
    user=$(id -u) group=$(id -g)
  fi

  if [[ ! -e index.php && ! -e wp-includes/version.php ]]; then
    if [[ "$(id -u)" == 0 && "$(stat -c %u:%g .)" == 0:0 ]]; then
      chown "$user:$group" .
    fi
    note "WordPress not found in $PWD - copying now..."
    local excludes=() path
    shopt -s nullglob
    for path in /usr/src/wordpress/.htaccess /usr/src/wordpress/wp-content/*/*/; do
      path=${path%/}
      path=${path#/usr/src/wordpress/}
      if [[ -e "$PWD/$path" ]]; then
        note "WARNING: '$PWD/$path' exists! (not copying the WordPress version)"
        excludes+=(--exclude "./$path")
      fi
    done
    shopt -u nullglob
    local extract=(--extract --file -)
    [[ "$(id -u)" == 0 ]] || extract+=(--no-overwrite-dir)
    tar --create --file - --directory /usr/src/wordpress --owner "$user" --group "$group" "${excludes[@]}" . \
      | tar "${extract[@]}"
    note "Complete! WordPress has been successfully copied to $PWD"
  fi

  local names
  names=$(compgen -v WORDPRESS_ || true)
  if [[ ! -s wp-config.php && -n "$names" ]]; then
    local template
    for template in wp-config-docker.php /usr/src/wordpress/wp-config-docker.php; do
      [[ -s "$template" ]] || continue
      note "No 'wp-config.php' found in $PWD, but 'WORDPRESS_...' variables supplied; copying '$template' ($(echo "$names" | tr '\n' ' '))"
      local line random
      while IFS= read -r line || [[ -n "$line" ]]; do
        if [[ "$line" == *'put your unique phrase here'* ]]; then
          random=$(head -c 1M /dev/urandom | sha1sum | cut -d' ' -f1)
          line=${line//put your unique phrase here/$random}
        fi
        printf '%s\n' "$line"
      done <"$template" >wp-config.php
      [[ "$(id -u)" != 0 ]] || chown "$user:$group" wp-config.php || true
      break
    done
  fi
}

if [[ "${1:-}" == apache2* || "${1:-}" == php-fpm || "$(basename "$0")" == docker-ensure-installed.sh ]]; then
  ensure_installed "$@"
fi
exec "$@"
