#!/usr/bin/env bash
#
# init-config.sh - per-member server configuration.
#
# Runs as the first init container, in the database image:
#   bash /scripts/init-config.sh
# Derives the member ordinal from HOSTNAME (<name>-<ordinal>) and writes into
# CONF_DIR (the volume mounted at the server's conf.d):
#   server-id.cnf   [mysqld] server-id=SERVER_ID_OFFSET+ordinal,
#                   report_host=<this member's host>
#   primary.cnf     copied from CONFIG_MAP_DIR on the declared primary
#                   (PRIMARY_ORDINAL, the topology ConfigMap), or
#   replica.cnf     on every other member,
#   common.cnf      copied too when CONFIG_MAP_DIR has one.
# Re-running it is harmless: files are rewritten atomically and a stale
# role file (primary.cnf/replica.cnf/common.cnf) is removed.
#
# Env (set by the construct; HOSTNAME by the kubelet): HOSTNAME,
#      PRIMARY_ORDINAL, MEMBER_HOST_TEMPLATE, SERVER_ID_OFFSET, CONF_DIR, CONFIG_MAP_DIR.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

load_ordinal
load_primary
load_member_hosts
require_env SERVER_ID_OFFSET CONF_DIR CONFIG_MAP_DIR
require_uint SERVER_ID_OFFSET "$SERVER_ID_OFFSET"

server_id=$((10#$SERVER_ID_OFFSET + ORDINAL))
((server_id > 0)) || die "server-id must be positive (SERVER_ID_OFFSET=$SERVER_ID_OFFSET, ordinal $ORDINAL)"
report_host=$(member_host "$ORDINAL")

if ((ORDINAL == PRIMARY)); then
  role=primary other=replica
else
  role=replica other=primary
fi
[[ -f "$CONFIG_MAP_DIR/$role.cnf" ]] || die "$CONFIG_MAP_DIR/$role.cnf not found (is the ConfigMap mounted?)"
mkdir -p "$CONF_DIR"

# Copy $1 to $2 via a temporary file in the same directory (atomic replace).
install_file() {
  cp -- "$1" "$2.tmp"
  mv -f -- "$2.tmp" "$2"
}

printf '[mysqld]\nserver-id=%s\nreport_host=%s\n' "$server_id" "$report_host" >"$CONF_DIR/server-id.cnf.tmp"
mv -f -- "$CONF_DIR/server-id.cnf.tmp" "$CONF_DIR/server-id.cnf"

install_file "$CONFIG_MAP_DIR/$role.cnf" "$CONF_DIR/$role.cnf"
rm -f -- "$CONF_DIR/$other.cnf"
if [[ -f "$CONFIG_MAP_DIR/common.cnf" ]]; then
  install_file "$CONFIG_MAP_DIR/common.cnf" "$CONF_DIR/common.cnf"
else
  rm -f -- "$CONF_DIR/common.cnf"
fi

log "ordinal $ORDINAL: server-id=$server_id report_host=$report_host role=$role config written to $CONF_DIR"
