#!/bin/bash
# Hands the wp-content volume to the WordPress user, for storage that ignores the pod's fsGroup
# (NFS and other drivers without ownership management). Runs as root with CHOWN, DAC_OVERRIDE and
# FOWNER only, and does nothing when the volume's root already has the right owner (like
# fsGroupChangePolicy: OnRootMismatch), so restarts stay fast on a large wp-content.
#
# Env: VOLUME_DIR, OWNER_UID, OWNER_GID (required).
set -euo pipefail

dir="${VOLUME_DIR:?VOLUME_DIR is required}"
owner="${OWNER_UID:?OWNER_UID is required}:${OWNER_GID:?OWNER_GID is required}"

current="$(stat -c '%u:%g' "$dir")"
if [ "$current" = "$owner" ]; then
  echo "volume-permissions: ${dir} is already owned by ${owner}; nothing to do"
  exit 0
fi
echo "volume-permissions: ${dir} is owned by ${current}; changing it to ${owner} (recursively)"
if ! chown -R "$owner" "$dir"; then
  echo "volume-permissions: chown failed: the storage refuses root's chown (NFS root_squash?);" \
    "export the share with no_root_squash or pre-create the directory owned by ${owner}" >&2
  exit 1
fi
chmod u+rwx,g+rwx "$dir"
echo "volume-permissions: done"
