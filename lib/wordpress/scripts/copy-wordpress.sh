#!/bin/bash
# Copies the WordPress core shipped in the official `wordpress` image (the same version the site
# runs) into an emptyDir, with the image's environment-driven wp-config.php, so that wp-cli in the
# install Job can run `wp core install` without the site's wp-content volume and without network.
#
# Env: WORDPRESS_PATH (required): the emptyDir to fill; WORDPRESS_SOURCE: the core to copy
# (default /usr/src/wordpress, where the image keeps it).
set -euo pipefail

target="${WORDPRESS_PATH:?WORDPRESS_PATH is required}"
source_dir="${WORDPRESS_SOURCE:-/usr/src/wordpress}"

if [ ! -f "${source_dir}/wp-config-docker.php" ]; then
  echo "copy-wordpress: ${source_dir}/wp-config-docker.php not found: the image must be the official wordpress image" >&2
  exit 1
fi
cp -R "${source_dir}/." "${target}/"
# wp-config-docker.php reads WORDPRESS_DB_* (and *_FILE) from the environment, like the site does.
cp "${target}/wp-config-docker.php" "${target}/wp-config.php"
version="$(sed -n "s/^\$wp_version = '\(.*\)';$/\1/p" "${target}/wp-includes/version.php")"
echo "copy-wordpress: WordPress ${version:-(unknown version)} copied to ${target}"
