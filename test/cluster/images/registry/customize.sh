# shellcheck shell=bash disable=SC2119,SC2154 # HERE and ROOT come from hook.sh
# mmdebstrap hooks of the registry-photon stand-in
# (functions called by hook.sh).
essential() {
  add_account harbor 10000 10000 /home/harbor /bin/bash harbor
}

customize() {
  mkdir -p "$ROOT/home/harbor" "$ROOT/etc/registry" "$ROOT/storage"
  chown 10000:10000 "$ROOT/home/harbor" "$ROOT/storage"
  binary=$(chroot "$ROOT" sh -c 'command -v docker-registry || command -v registry')
  ln -sfn "$binary" "$ROOT/usr/bin/registry_DO_NOT_USE_GC"
  install_file "$HERE/entrypoint.sh" /home/harbor/entrypoint.sh 0744 10000:10000
  cleanup
}
