# shellcheck shell=bash disable=SC2119,SC2154 # HERE and ROOT come from hook.sh
# mmdebstrap hooks of the mariadb stand-in
# (functions called by hook.sh).
essential() {
  # The official image's mysql user and group are 999.
  add_account mysql 999 999 /var/lib/mysql /bin/sh "MariaDB Server"
}

customize() {
  # As in the official image: an empty, mysql-owned data directory and socket directory.
  rm -rf "$ROOT/var/lib/mysql"
  mkdir -p "$ROOT/var/lib/mysql" "$ROOT/run/mysqld" "$ROOT/docker-entrypoint-initdb.d"
  chown 999:999 "$ROOT/var/lib/mysql" "$ROOT/run/mysqld"
  chmod 1777 "$ROOT/run/mysqld"
  # The server listens on every address, logs to stderr, runs as whoever starts it.
  find "$ROOT/etc/mysql" -name '*.cnf' -exec sed -Ei 's/^(bind-address|log|user[[:space:]])/#&/' {} +
  printf '[mariadb]\nhost-cache-size=0\nskip-name-resolve\n' >"$ROOT/etc/mysql/mariadb.conf.d/05-skipcache.cnf"
  # conf.d (where the manifests mount their files) is read after mariadb.conf.d, so it wins.
  sed -i -e '/^!includedir \/etc\/mysql\/conf.d\/\?$/d' "$ROOT/etc/mysql/mariadb.cnf"
  printf '!includedir /etc/mysql/conf.d/\n' >>"$ROOT/etc/mysql/mariadb.cnf"
  install_file "$HERE/docker-entrypoint.sh" /usr/local/bin/docker-entrypoint.sh 0755
  install_file "$HERE/../shared/env-file.sh" /usr/local/lib/stand-in/env-file.sh 0644
  ln -sfn /usr/sbin/gosu "$ROOT/usr/local/bin/gosu"
  cleanup mysqld
}
