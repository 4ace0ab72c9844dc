#!/bin/sh
# docker-entrypoint.sh of the wordpress:cli stand-in (test/cluster/images), after the official
# image's contract: an option, or a wp-cli subcommand, as the first argument is run by `wp`;
# anything else is exec'd. This stand-in has no wp (wp-cli is in no package registry reachable
# from the test machine), so only the first case applies, and it fails with "wp: not found".
set -eu
if [ "${1#-}" != "$1" ] || { command -v wp >/dev/null 2>&1 && wp help "$1" >/dev/null 2>&1; }; then
  set -- wp "$@"
fi
exec "$@"
