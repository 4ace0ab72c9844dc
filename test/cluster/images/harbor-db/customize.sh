# shellcheck shell=bash disable=SC2119,SC2154 # HERE and ROOT come from hook.sh
# mmdebstrap hooks of the harbor-db stand-in
# (functions called by hook.sh).
essential() {
  add_account postgres 999 999 /home/postgres /bin/bash "PostgreSQL administrator"
}

customize() {
  # No Debian cluster: the entrypoint makes its own under PGDATA.
  rm -rf "$ROOT"/etc/postgresql/17 "$ROOT"/var/lib/postgresql/17
  # initdb is given --lc-collate/--lc-ctype en_US.UTF-8.
  echo 'en_US.UTF-8 UTF-8' >"$ROOT/etc/locale.gen"
  chroot "$ROOT" locale-gen >/dev/null
  sample=$ROOT/usr/share/postgresql/17/postgresql.conf.sample
  sed -i -e "s|^#listen_addresses = 'localhost'|listen_addresses = '*'|" \
    -e "s|^#unix_socket_directories = '[^']*'|unix_socket_directories = '/run/postgresql'|" "$sample"
  grep -q "^listen_addresses = '\*'" "$sample" && grep -q "^unix_socket_directories = '/run/postgresql'" "$sample"
  mkdir -p "$ROOT/home/postgres" "$ROOT/run/postgresql" "$ROOT/var/lib/postgresql/data" "$ROOT/docker-entrypoint-initdb.d"
  chown 999:999 "$ROOT/home/postgres" "$ROOT/run/postgresql" "$ROOT/var/lib/postgresql/data" "$ROOT/docker-entrypoint-initdb.d"
  chmod 2777 "$ROOT/run/postgresql"
  chmod 777 "$ROOT/var/lib/postgresql/data"
  install_file "$HERE/docker-entrypoint.sh" /docker-entrypoint.sh 0744 999:999
  install_file "$HERE/../shared/env-file.sh" /usr/local/lib/stand-in/env-file.sh 0644
  install_file "$HERE/docker-healthcheck.sh" /docker-healthcheck.sh 0744 999:999
  install_file "$HERE/initial-registry.sql" /docker-entrypoint-initdb.d/initial-registry.sql 0644 999:999
  cleanup postgresql
}
