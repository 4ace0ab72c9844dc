# shellcheck shell=bash disable=SC2119,SC2154 # HERE and ROOT come from hook.sh
# mmdebstrap hooks of the prom/mysqld-exporter stand-in
# (functions called by hook.sh).
customize() {
  # The official image's entrypoint path, running Debian's build.
  ln -sfn /usr/bin/prometheus-mysqld-exporter "$ROOT/bin/mysqld_exporter"
  cleanup
}
