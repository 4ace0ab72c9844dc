#!/usr/bin/env bash
# hook.sh RECIPE_DIR essential|customize ROOT: runs one mmdebstrap hook of a stand-in image.
# It loads hooklib.sh, sets HERE (the recipe's folder) and ROOT (the image's root), and calls the
# function of that name from RECIPE_DIR/customize.sh, if the recipe defines one.
set -euo pipefail
(($# == 3)) || { echo "usage: hook.sh RECIPE_DIR essential|customize ROOT" >&2; exit 2; }
HERE=$(cd "$1" && pwd)
ROOT=$3
hook=$2
case $hook in essential | customize) ;; *) echo "hook.sh: unknown hook '$hook'" >&2; exit 2 ;; esac
# shellcheck source-path=SCRIPTDIR source=hooklib.sh
source "$(dirname "${BASH_SOURCE[0]}")/hooklib.sh"
# shellcheck disable=SC1091 # each recipe's own file
source "$HERE/customize.sh"
if declare -F "$hook" >/dev/null; then "$hook"; fi
