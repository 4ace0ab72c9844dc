#!/bin/bash
# Installs WordPress once: `wp core install` creates the tables, the site and the admin user, unless
# `wp core is-installed` says it is done already (so the Job can run again on every apply).
#
# The admin password never passes through a prompt, standard input or an argument list: wp-cli's
# `--prompt` reads with PHP's readline(), which echoes piped input into the log. Instead,
# `wp core install` creates the user with a random password that it does not print (--quiet, and
# its standard output is discarded), and set-admin-password.php, run by `wp eval-file`, reads
# WORDPRESS_ADMIN_PASSWORD from the environment inside PHP and sets it, once.
#
# Env: WORDPRESS_PATH, SITE_URL, SITE_TITLE, ADMIN_USER, ADMIN_EMAIL, WORDPRESS_ADMIN_PASSWORD
# (required), and the WORDPRESS_DB_* variables read by wp-config.php. set-admin-password.php is
# taken from the directory of this script.
set -euo pipefail

path="${WORDPRESS_PATH:?WORDPRESS_PATH is required}"
url="${SITE_URL:?SITE_URL is required}"
title="${SITE_TITLE:?SITE_TITLE is required}"
user="${ADMIN_USER:?ADMIN_USER is required}"
email="${ADMIN_EMAIL:?ADMIN_EMAIL is required}"
scripts="$(dirname "$0")"
if [ -z "${WORDPRESS_ADMIN_PASSWORD:-}" ]; then
  echo "install: the admin password is empty: fill the Secret key mounted as WORDPRESS_ADMIN_PASSWORD" >&2
  exit 1
fi

if wp --path="$path" core is-installed </dev/null; then
  echo "install: WordPress at ${url} is installed already"
else
  echo "install: installing WordPress at ${url} (admin user ${user})"
  wp --path="$path" --quiet core install \
    --url="$url" --title="$title" --admin_user="$user" --admin_email="$email" --skip-email </dev/null >/dev/null
fi
wp --path="$path" eval-file "${scripts}/set-admin-password.php" </dev/null
echo "install: done"
