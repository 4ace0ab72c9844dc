# shellcheck shell=bash disable=SC2119,SC2154 # HERE and ROOT come from hook.sh
# mmdebstrap hooks of the harbor-portal stand-in
# (functions called by hook.sh).
essential() {
  add_account nginx 10000 10000 /home/nginx /bin/bash nginx
}

customize() {
  mkdir -p "$ROOT/home/nginx" "$ROOT/var/log/nginx" "$ROOT/var/cache/nginx" "$ROOT/usr/share/nginx/html"
  chown 10000:10000 "$ROOT/home/nginx" "$ROOT/var/cache/nginx"
  rm -rf "$ROOT"/usr/share/nginx/html/* "$ROOT"/var/www/html
  install_file "$HERE/index.html" /usr/share/nginx/html/index.html 0644
  chown -R 10000:10000 "$ROOT/etc/nginx"
  ln -sfn /dev/stdout "$ROOT/var/log/nginx/access.log"
  ln -sfn /dev/stderr "$ROOT/var/log/nginx/error.log"
  cleanup
}
