#!/bin/bash
# Copies the WordPress core shipped in the official `wordpress` image (the same version the site
# runs) into WORDPRESS_PATH, with the image's environment-driven wp-config.php. It runs as uid 33
# in an init container, in two places:
#
# - the WordPress pod, on the document root (an emptyDir, with the wp-content claim mounted inside
#   it): the image's entrypoint then finds WordPress in place and skips its own copy, whose
#   `tar --no-overwrite-dir` cannot chmod the kubelet's root-owned volume directory as uid 33
#   (`tar: .: Cannot change mode`, and `set -e` stops the entrypoint);
# - the install Job's pod, so that wp-cli can run `wp core install` without network.
#
# Directories that exist already (the volume roots, wp-content on its claim) are written into, never
# chmod-ed; a plugin or theme directory that exists in wp-content is left as it is (the image's own
# rule: an update through the dashboard is not downgraded by an older image). Nothing is copied when
# WordPress is in place already (the emptyDir outlives container restarts).
#
# Env: WORDPRESS_PATH (required): the directory to fill; WORDPRESS_SOURCE: the core to copy
# (default /usr/src/wordpress, where the image keeps it).
set -euo pipefail
shopt -s dotglob nullglob

target="${WORDPRESS_PATH:?WORDPRESS_PATH is required}"
source_dir="${WORDPRESS_SOURCE:-/usr/src/wordpress}"

if [ ! -f "${source_dir}/wp-config-docker.php" ]; then
  echo "copy-wordpress: ${source_dir}/wp-config-docker.php not found: the image must be the official wordpress image" >&2
  exit 1
fi
if [ -e "${target}/wp-includes/version.php" ]; then
  echo "copy-wordpress: WordPress is in ${target} already; nothing to do"
  exit 0
fi

for entry in "${source_dir}"/*; do
  [ "${entry##*/}" = wp-content ] || cp -R "$entry" "${target}/"
done
mkdir -p "${target}/wp-content"
for entry in "${source_dir}/wp-content"/*; do
  name="${entry##*/}"
  if [ ! -d "$entry" ]; then
    cp "$entry" "${target}/wp-content/"
    continue
  fi
  mkdir -p "${target}/wp-content/${name}"
  for item in "$entry"/*; do
    if [ -d "$item" ] && [ -e "${target}/wp-content/${name}/${item##*/}" ]; then
      echo "copy-wordpress: wp-content/${name}/${item##*/} exists; keeping it (not copying the image's version)"
      continue
    fi
    cp -R "$item" "${target}/wp-content/${name}/"
  done
done

# wp-config-docker.php reads WORDPRESS_DB_*, the keys and salts, WORDPRESS_TABLE_PREFIX and
# WORDPRESS_CONFIG_EXTRA (and their *_FILE forms) from the environment at every request.
cp "${source_dir}/wp-config-docker.php" "${target}/wp-config.php"
version="$(sed -n "s/^\$wp_version = '\(.*\)';$/\1/p" "${target}/wp-includes/version.php")"
echo "copy-wordpress: WordPress ${version:-(unknown version)} copied to ${target}"
