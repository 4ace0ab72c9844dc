# shellcheck shell=bash disable=SC2119,SC2154 # HERE and ROOT come from hook.sh
# mmdebstrap hooks of the valkey-photon stand-in
# (functions called by hook.sh).
essential() {
  add_account valkey 999 999 /var/lib/redis /sbin/nologin "Valkey Database Server"
}

customize() {
  mkdir -p "$ROOT/var/lib/redis"
  chown 999:999 "$ROOT/var/lib/redis"
  install_file "$HERE/redis.conf" /etc/redis.conf 0644 999:999
  install_file "$HERE/docker-healthcheck" /usr/bin/docker-healthcheck 0755
  cleanup
}
