#!/usr/bin/env bash
# build.sh <out-dir> - builds the stand-in container images of the test cluster as OCI archives.
#
# There is no registry and no Docker engine on the test machine, so every image the manifests in
# dist/ name is built here from Debian packages (mmdebstrap) and packed with umoci, under the exact
# name the manifests use. docs/testing.md ("Stand-in images") says what each one shares with the
# official image and what it does not.
#
# Each image becomes <out-dir>/<file>.tar, an OCI image layout in a tar, whose file name encodes the
# image reference: '/' is written '+', and '@' stands for the ':' before the tag, e.g.
# docker.io+library+mariadb@11.8.8.tar is docker.io/library/mariadb:11.8.8. import.sh reads it back.
# An image whose tar exists already is skipped (the caller keys <out-dir> by the recipe's hash).
#
# Needs root (mmdebstrap's root mode, chown), network access to deb.debian.org; installs mmdebstrap
# and umoci with apt-get when they are missing. The agnhost image needs the agnhost binary the
# harness builds: AGNHOST_BIN, else ~/.cache/cdk8s-stateful/bin/kubernetes-v1.37.2/agnhost, else
# /tmp/kbin/agnhost (waited for up to AGNHOST_WAIT_SECONDS, default 1800).
#
# Env: SOURCE_DATE_EPOCH (timestamps in the images; default fixed), DEBIAN_MIRROR
# (http://deb.debian.org/debian), DEBIAN_SECURITY_MIRROR (http://deb.debian.org/debian-security),
# ONLY (space-separated short names: build only these).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1767225600} # 2026-01-01T00:00:00Z
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
CREATED=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)
DEFAULT_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

log() { printf 'build.sh: %s\n' "$*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}

(($# == 1)) || die "usage: build.sh <out-dir>"
[[ "$(id -u)" == 0 ]] || die "run as root (mmdebstrap's root mode and the images' file owners need it)"
OUT=$1
mkdir -p -- "$OUT"
OUT=$(cd -- "$OUT" && pwd)

ensure_tools() {
  local missing=() tool
  for tool in mmdebstrap umoci; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
  done
  ((${#missing[@]} == 0)) && return 0
  log "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# ref_file REF: the tar's file name for an image reference.
ref_file() {
  local ref=$1 repo tag
  repo=${ref%:*} tag=${ref##*:}
  printf '%s@%s.tar' "${repo//\//+}" "$tag"
}

# pack_oci REF ROOTFS_TAR DEST CONFIG_ARGS...: an OCI layout with one layer, tagged with REF's tag,
# tarred reproducibly into DEST.
pack_oci() {
  local ref=$1 rootfs=$2 dest=$3 tag layout
  shift 3
  tag=${ref##*:}
  layout=$WORK/oci
  rm -rf -- "$layout"
  umoci init --layout "$layout"
  umoci new --image "$layout:$tag"
  umoci raw add-layer --image "$layout:$tag" --history.created "$CREATED" \
    --history.created_by "test/cluster/images/build.sh" "$rootfs"
  umoci config --image "$layout:$tag" --no-history --created "$CREATED" --os linux --architecture amd64 \
    --config.label "org.opencontainers.image.description=Debian stand-in for $ref, built by test/cluster/images/build.sh" \
    "$@"
  umoci gc --layout "$layout"
  tar --sort=name --mtime="@$SOURCE_DATE_EPOCH" --owner=0 --group=0 --numeric-owner \
    -C "$layout" -cf "$dest" .
}

# debian_rootfs SUITE VARIANT RECIPE_DIR OUT_TAR PACKAGES...: a root file system made by mmdebstrap;
# RECIPE_DIR/customize.sh runs as the essential hook and the customize hook.
debian_rootfs() {
  local suite=$1 variant=$2 recipe=$3 out=$4 packages
  shift 4
  packages=$(
    IFS=,
    printf '%s' "$*"
  )
  local hook
  hook="bash $(printf '%q %q' "$HERE/hook.sh" "$recipe")"
  mmdebstrap --quiet --mode=root --variant="$variant" --include="$packages" \
    --aptopt='APT::Install-Recommends "false"' \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/lintian/*' \
    --dpkgopt='path-exclude=/usr/share/bug/*' \
    --essential-hook="$hook essential \"\$1\"" \
    --customize-hook="$hook customize \"\$1\"" \
    --skip=output/dev --skip=output/mknod --skip=cleanup/run \
    --format=tar "$suite" "$out" \
    "deb $MIRROR $suite main" "deb $SECURITY_MIRROR $suite-security main"
}

# The images. Each function sets REF, and builds ROOTFS_TAR and CONFIG (umoci config flags).

image_mariadb() {
  REF=docker.io/library/mariadb:11.8.8
  [[ -n "${PLAN_ONLY:-}" ]] && return 0
  debian_rootfs trixie essential "$HERE/mariadb" "$ROOTFS_TAR" \
    mariadb-server mariadb-client mariadb-backup gosu tzdata socat xz-utils zstd
  CONFIG=(--config.entrypoint docker-entrypoint.sh --config.cmd mariadbd
    --config.env "PATH=$DEFAULT_PATH" --config.env LANG=C.UTF-8
    --config.env "MARIADB_VERSION=$(deb_version mariadb-server)"
    --config.exposedports 3306/tcp --config.volume /var/lib/mysql)
}

image_php_cli() {
  REF=docker.io/library/php:8.4.24-cli-alpine3.24
  [[ -n "${PLAN_ONLY:-}" ]] && return 0
  debian_rootfs trixie essential "$HERE/php-cli" "$ROOTFS_TAR" \
    php8.4-cli php8.4-curl php8.4-mbstring php8.4-xml php8.4-sqlite3 busybox curl openssl ca-certificates xz-utils
  CONFIG=(--config.entrypoint docker-php-entrypoint --config.cmd php --config.cmd -a
    --config.env "PATH=$DEFAULT_PATH" --config.env PHP_INI_DIR=/usr/local/etc/php
    --config.env "PHP_VERSION=$(deb_version php8.4-cli)")
}

image_wordpress() {
  REF=docker.io/library/wordpress:7.1.0-php8.3-apache
  [[ -n "${PLAN_ONLY:-}" ]] && return 0
  # minbase (with apt): the customize hook copies Debian's WordPress to /usr/src/wordpress and
  # then removes the wordpress package with the dependencies only it needed (its mysql client).
  debian_rootfs trixie minbase "$HERE/wordpress" "$ROOTFS_TAR" \
    apache2 libapache2-mod-php8.4 php8.4-mysql php8.4-gd php8.4-intl php8.4-zip php8.4-bcmath \
    php8.4-curl php8.4-mbstring php8.4-xml php8.4-imagick ghostscript curl ca-certificates xz-utils \
    wordpress wordpress-theme-twentytwentyfive
  local wp_version
  wp_version=$(tar -xOf "$ROOTFS_TAR" ./usr/src/wordpress/wp-includes/version.php \
    | sed -n "s/^\$wp_version = '\(.*\)';\$/\1/p")
  CONFIG=(--config.entrypoint docker-entrypoint.sh --config.cmd apache2-foreground
    --config.env "PATH=$DEFAULT_PATH" --config.env PHP_INI_DIR=/usr/local/etc/php
    --config.env APACHE_CONFDIR=/etc/apache2 --config.env APACHE_ENVVARS=/etc/apache2/envvars
    --config.env "PHP_VERSION=$(deb_version php8.4-cli)" --config.env "WORDPRESS_VERSION=$wp_version"
    --config.workingdir /var/www/html --config.stopsignal SIGWINCH
    --config.exposedports 80/tcp --config.volume /var/www/html)
}

image_wordpress_cli() {
  REF=docker.io/library/wordpress:cli-2.12.0-php8.3
  [[ -n "${PLAN_ONLY:-}" ]] && return 0
  debian_rootfs trixie essential "$HERE/wordpress-cli" "$ROOTFS_TAR" \
    php8.4-cli php8.4-mysql php8.4-gd php8.4-intl php8.4-zip php8.4-bcmath php8.4-curl php8.4-mbstring \
    php8.4-xml mariadb-client less busybox curl openssl ca-certificates xz-utils
  CONFIG=(--config.entrypoint docker-entrypoint.sh --config.cmd wp --config.cmd shell
    --config.env "PATH=$DEFAULT_PATH" --config.env PHP_INI_DIR=/usr/local/etc/php
    --config.env "PHP_VERSION=$(deb_version php8.4-cli)"
    --config.user www-data --config.workingdir /var/www/html --config.volume /var/www/html)
}

image_harbor_db() {
  REF=docker.io/goharbor/harbor-db:v2.15.2
  [[ -n "${PLAN_ONLY:-}" ]] && return 0
  debian_rootfs trixie essential "$HERE/harbor-db" "$ROOTFS_TAR" \
    postgresql-17 locales findutils gzip bc util-linux
  CONFIG=(--config.entrypoint /docker-entrypoint.sh --config.entrypoint 15 --config.entrypoint 18
    --config.env "PATH=/usr/lib/postgresql/17/bin:$DEFAULT_PATH" --config.env PGDATA=/var/lib/postgresql/data
    --config.user postgres --config.volume /var/lib/postgresql/data)
}

image_valkey() {
  REF=docker.io/goharbor/valkey-photon:v2.15.2
  [[ -n "${PLAN_ONLY:-}" ]] && return 0
  debian_rootfs trixie essential "$HERE/valkey" "$ROOTFS_TAR" valkey-server valkey-tools
  CONFIG=(--config.cmd valkey-server --config.cmd /etc/redis.conf
    --config.env "PATH=$DEFAULT_PATH" --config.user valkey --config.workingdir /var/lib/redis
    --config.volume /var/lib/redis)
}

image_registry() {
  REF=docker.io/goharbor/registry-photon:v2.15.2
  [[ -n "${PLAN_ONLY:-}" ]] && return 0
  debian_rootfs trixie essential "$HERE/registry" "$ROOTFS_TAR" docker-registry ca-certificates curl
  CONFIG=(--config.entrypoint /home/harbor/entrypoint.sh
    --config.env "PATH=$DEFAULT_PATH" --config.user harbor --config.volume /storage)
}

image_portal() {
  REF=docker.io/goharbor/harbor-portal:v2.15.2
  [[ -n "${PLAN_ONLY:-}" ]] && return 0
  debian_rootfs trixie essential "$HERE/portal" "$ROOTFS_TAR" nginx curl
  CONFIG=(--config.cmd nginx --config.cmd -g --config.cmd 'daemon off;'
    --config.env "PATH=$DEFAULT_PATH" --config.user nginx --config.stopsignal SIGQUIT
    --config.volume /var/cache/nginx --config.volume /var/log/nginx --config.volume /run)
}

image_mysqld_exporter() {
  REF=docker.io/prom/mysqld-exporter:v0.17.2
  [[ -n "${PLAN_ONLY:-}" ]] && return 0
  debian_rootfs trixie essential "$HERE/mysqld-exporter" "$ROOTFS_TAR" prometheus-mysqld-exporter
  CONFIG=(--config.entrypoint /bin/mysqld_exporter
    --config.env "PATH=$DEFAULT_PATH" --config.user nobody --config.exposedports 9104/tcp)
}

image_agnhost() {
  REF=registry.k8s.io/e2e-test-images/agnhost:2.47
  [[ -n "${PLAN_ONLY:-}" ]] && return 0
  local bin root
  bin=$(find_agnhost)
  root=$WORK/agnhost-root
  rm -rf -- "$root"
  mkdir -p "$root"/{bin,etc,tmp,deb}
  chmod 1777 "$root/tmp"
  # trixie's busybox-static .deb, fetched with apt-get and a private trixie index (the host's own
  # apt configuration is not used or changed).
  local apt_dir=$WORK/apt
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
  printf 'deb %s trixie main\ndeb %s trixie-security main\n' "$MIRROR" "$SECURITY_MIRROR" >"$apt_dir/sources.list"
  local apt_opts=(-o "Dir::Etc::sourcelist=$apt_dir/sources.list" -o Dir::Etc::sourceparts=-
    -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache" -o Dir::State::status=/dev/null
    -o APT::Sandbox::User=root)
  apt-get "${apt_opts[@]}" update -qq >/dev/null || die "apt-get update (trixie index) failed"
  (cd "$WORK" && apt-get "${apt_opts[@]}" download -qq busybox-static >/dev/null) \
    || die "apt-get download busybox-static failed"
  dpkg-deb -x "$WORK"/busybox-static_*.deb "$root/deb"
  local busybox=$root/deb/usr/bin/busybox # merged /usr (trixie); older suites had /bin/busybox
  [[ -f "$busybox" ]] || busybox=$root/deb/bin/busybox
  [[ -f "$busybox" ]] || die "no busybox binary in the busybox-static package"
  install -m 0755 "$busybox" "$root/bin/busybox"
  rm -rf -- "$root/deb"
  local applets applet
  applets=$("$root/bin/busybox" --list) || die "busybox --list failed"
  [[ "$applets" == *sh* ]] || die "busybox lists no sh applet"
  for applet in $applets; do
    [[ "$applet" == busybox ]] || ln -s busybox "$root/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  install -m 0755 "$bin" "$root/agnhost"
  tar --sort=name --mtime="@$SOURCE_DATE_EPOCH" --owner=0 --group=0 --numeric-owner \
    -C "$root" -cf "$ROOTFS_TAR" .
  CONFIG=(--config.entrypoint /agnhost --config.cmd pause --config.env "PATH=$DEFAULT_PATH")
}

find_agnhost() {
  local waited=0 limit=${AGNHOST_WAIT_SECONDS:-1800} candidate
  while :; do
    for candidate in "${AGNHOST_BIN:-}" "$HOME/.cache/cdk8s-stateful/bin/kubernetes-v1.37.2/agnhost" /tmp/kbin/agnhost; do
      if [[ -n "$candidate" && -x "$candidate" ]]; then
        printf '%s\n' "$candidate"
        return 0
      fi
    done
    ((waited < limit)) || die "no agnhost binary after ${limit}s (set AGNHOST_BIN)"
    ((waited % 60 == 0)) && log "waiting for the agnhost binary (${waited}s of ${limit}s)"
    sleep 5
    waited=$((waited + 5))
  done
}

# deb_version PACKAGE: the version installed in the rootfs just built (read from its dpkg status).
deb_version() {
  tar -xOf "$ROOTFS_TAR" ./var/lib/dpkg/status \
    | awk -v p="$1" '$1 == "Package:" { cur = $2 } cur == p && $1 == "Version:" && !v { v = $2 } END { print v }'
}

IMAGES=(mariadb php_cli wordpress wordpress_cli harbor_db valkey registry portal mysqld_exporter agnhost)

ensure_tools
WORK=$(mktemp -d "${TMPDIR:-/tmp}/stand-in-images.XXXXXX")
trap 'rm -rf -- "$WORK"' EXIT
ROOTFS_TAR=$WORK/rootfs.tar

for image in "${IMAGES[@]}"; do
  if [[ -n "${ONLY:-}" && " $ONLY " != *" $image "* ]]; then
    continue
  fi
  PLAN_ONLY=1 "image_$image"
  dest=$OUT/$(ref_file "$REF")
  if [[ -e "$dest" ]]; then
    printf '%-55s cached %s\n' "$REF" "$(du -h "$dest" | cut -f1)"
    continue
  fi
  start=$SECONDS
  rm -f -- "$ROOTFS_TAR"
  CONFIG=()
  "image_$image"
  pack_oci "$REF" "$ROOTFS_TAR" "$dest.partial" "${CONFIG[@]}"
  mv -f -- "$dest.partial" "$dest"
  rm -f -- "$ROOTFS_TAR"
  printf '%-55s built in %4ds, %s\n' "$REF" "$((SECONDS - start))" "$(du -h "$dest" | cut -f1)"
done
