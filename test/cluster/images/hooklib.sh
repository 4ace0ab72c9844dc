# shellcheck shell=bash
# hooklib.sh - helpers for the mmdebstrap hooks of the stand-in images (sourced by each
# <image>/customize.sh). Every function takes the root directory of the image as $ROOT.

# add_account NAME UID GID HOME SHELL [GECOS]: adds a group and a user with fixed numeric ids,
# before the packages' maintainer scripts run (they keep an account that exists already), so
# the image has the official image's uid/gid whatever Debian would have picked.
add_account() {
  local name=$1 uid=$2 gid=$3 home=$4 shell=$5 gecos=${6:-$1}
  if ! grep -q "^$name:" "$ROOT/etc/group"; then
    printf '%s:x:%s:\n' "$name" "$gid" >>"$ROOT/etc/group"
    [[ -e "$ROOT/etc/gshadow" ]] && printf '%s:!::\n' "$name" >>"$ROOT/etc/gshadow"
  fi
  if ! grep -q "^$name:" "$ROOT/etc/passwd"; then
    printf '%s:x:%s:%s:%s:%s:%s\n' "$name" "$uid" "$gid" "$gecos" "$home" "$shell" >>"$ROOT/etc/passwd"
    [[ -e "$ROOT/etc/shadow" ]] && printf '%s:!:19000::::::\n' "$name" >>"$ROOT/etc/shadow"
  fi
  return 0
}

# set_ids NAME UID GID: changes the ids of an existing user and its group (e.g. www-data 33 -> 82).
set_ids() {
  local name=$1 uid=$2 gid=$3
  sed -i -E "s/^($name:[^:]*):[0-9]+:[0-9]+:/\\1:$uid:$gid:/" "$ROOT/etc/passwd"
  sed -i -E "s/^($name:[^:]*):[0-9]+:/\\1:$gid:/" "$ROOT/etc/group"
}

# busybox_userland [keep-bash]: makes the image look like an Alpine one to a shell script:
# /bin/sh is busybox ash, and every busybox applet is linked in /usr/local/bin, which comes
# first in PATH, so `tr`, `head`, `grep`, `awk`, `sed`, `mktemp`... are busybox's, as on Alpine.
# The GNU tools of Debian's essential set stay in /usr/bin behind them (dpkg needs them).
# Applets that the official images get from their own packages (curl, openssl, tar, xz) are not
# linked. bash and dash are removed unless keep-bash is given (then only dash goes).
busybox_userland() {
  local applet
  for applet in $(chroot "$ROOT" /usr/bin/busybox --list); do
    case $applet in
      busybox | dpkg | dpkg-deb | tar | xz | unxz | xzcat | lzma | unlzma | lzcat | bash) continue ;;
    esac
    ln -sfn /usr/bin/busybox "$ROOT/usr/local/bin/$applet"
  done
  ln -sfn busybox "$ROOT/usr/bin/sh"
  if [[ "${1:-}" != keep-bash ]]; then
    chroot "$ROOT" dpkg --purge --force-remove-essential --force-depends bash >/dev/null 2>&1 \
      || rm -f "$ROOT/usr/bin/bash" "$ROOT/usr/bin/rbash"
    rm -f "$ROOT/usr/bin/bash" "$ROOT/usr/bin/rbash" "$ROOT/bin/bash"
  fi
  rm -f "$ROOT/usr/bin/dash" "$ROOT/bin/dash"
  ln -sfn busybox "$ROOT/usr/bin/sh"
}

# install_file SRC DEST MODE [OWNER]
install_file() {
  install -D -m "$3" "$1" "$ROOT$2"
  [[ -z "${4:-}" ]] || chown "$4" "$ROOT$2"
}

# cleanup [RUN_ENTRY...]: what no image needs and what would make two builds differ. build.sh
# makes mmdebstrap keep /run (its cleanup would empty it); here /run loses everything but lock/
# and the entries named (the official images ship e.g. /run/mysqld).
cleanup() {
  local entry keep name
  [[ -n ${ROOT:-} && $ROOT != / ]] || { echo "cleanup: ROOT is not an image root: '${ROOT:-}'" >&2; return 1; }
  for entry in "$ROOT"/run/*; do
    [[ -e "$entry" || -L "$entry" ]] || continue
    keep=no
    for name in lock "$@"; do [[ "${entry##*/}" == "$name" ]] && keep=yes; done
    [[ $keep == yes ]] || rm -rf "$entry"
  done
  rm -rf "$ROOT"/var/lib/apt/lists/* "$ROOT"/var/cache/apt/*.bin "$ROOT"/var/cache/apt/archives/*.deb \
    "$ROOT"/var/cache/debconf/*-old "$ROOT"/var/lib/dpkg/*-old "$ROOT"/var/log/*.log \
    "$ROOT"/var/log/apt/* "$ROOT"/tmp/* "$ROOT"/var/tmp/* \
    "$ROOT"/etc/ssl/private/ssl-cert-snakeoil.key "$ROOT"/etc/ssl/certs/ssl-cert-snakeoil.pem
  : >"$ROOT/etc/machine-id" 2>/dev/null || true
  find "$ROOT/usr" -name '__pycache__' -prune -exec rm -rf {} + 2>/dev/null || true
}
