# shellcheck shell=bash
# env-file.sh: sourced by the stand-in entrypoints (installed at /usr/local/lib/stand-in/env-file.sh).
# The official images' `_FILE` convention: a setting comes from $NAME or from the file $NAME_FILE names.

# from_env_or_file NAME [DEFAULT]: exports NAME from $NAME, else from the file named by $NAME_FILE,
# else DEFAULT; unsets NAME_FILE. Both set is an error, as in the official images.
from_env_or_file() {
  local name=$1 file_name="$1_FILE" value=${2:-}
  if [[ -n "${!name:-}" && -n "${!file_name:-}" ]]; then
    echo "error: both $name and $file_name are set (but are exclusive)" >&2
    exit 1
  fi
  if [[ -n "${!name:-}" ]]; then
    value=${!name}
  elif [[ -n "${!file_name:-}" ]]; then
    value=$(<"${!file_name}")
  fi
  export "$name=$value"
  unset "$file_name"
}
