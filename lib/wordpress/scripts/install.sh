#!/bin/bash
# Installs WordPress once: `wp core install` creates the tables, the site and the admin user, unless
# `wp core is-installed` says it is done already (so the Job can run again on every apply).
#
# The admin password comes from WORDPRESS_ADMIN_PASSWORD (filled from a Secret by the kubelet) and
# reaches wp-cli on standard input through `--prompt=admin_password`: it never appears in the
# manifests nor in any process's arguments.
#
# Env: WORDPRESS_PATH, SITE_URL, SITE_TITLE, ADMIN_USER, ADMIN_EMAIL, WORDPRESS_ADMIN_PASSWORD
# (required), and the WORDPRESS_DB_* variables read by wp-config.php.
set -euo pipefail

path="${WORDPRESS_PATH:?WORDPRESS_PATH is required}"
url="${SITE_URL:?SITE_URL is required}"
title="${SITE_TITLE:?SITE_TITLE is required}"
user="${ADMIN_USER:?ADMIN_USER is required}"
email="${ADMIN_EMAIL:?ADMIN_EMAIL is required}"
if [ -z "${WORDPRESS_ADMIN_PASSWORD:-}" ]; then
  echo "install: the admin password is empty: fill the Secret key mounted as WORDPRESS_ADMIN_PASSWORD" >&2
  exit 1
fi

if wp --path="$path" core is-installed; then
  echo "install: WordPress at ${url} is already installed; nothing to do"
  exit 0
fi
echo "install: installing WordPress at ${url} (admin user ${user})"
printf '%s\n' "$WORDPRESS_ADMIN_PASSWORD" | wp --path="$path" core install \
  --url="$url" --title="$title" --admin_user="$user" --admin_email="$email" \
  --skip-email --prompt=admin_password
echo "install: done"
