#!/usr/bin/env bash
# Runs before `npm test` (the pretest script): makes sure the Debian programs the tests run for real
# are installed. As root it installs what is missing with apt-get; otherwise it names the command.
set -euo pipefail

# program -> Debian package
declare -A PACKAGES=(
  [shellcheck]=shellcheck          # lints every container script
  [mariadbd]=mariadb-server        # the real-server replication and backup tests
  [mariadb-backup]=mariadb-backup
  [mariadb]=mariadb-client
  [ncat]=ncat                      # the clone transport
  [curl]=curl                      # the Secret generator's API client, s3.sh against s3rver
  [perl]=perl-base                 # backup.sh's xbstream reader
  [sha256sum]=coreutils            # backup.sh's manifest checksum
  [openssl]=openssl                # generated key pairs and certificates
  [php]=php-cli                    # the Secret generator's JSON and bcrypt helper
  [busybox]=busybox                # the generator image's shell and applets
  [htpasswd]=apache2-utils         # verifies generated htpasswd lines
  [redis-server]=redis-server      # Harbor's Redis start script against a real server
  [redis-cli]=redis-server
  [nginx]=nginx                    # Harbor's HTTP -> HTTPS redirect, run for real
  [promtool]=prometheus            # promtool test rules: every alert of the default app
)

missing=()
for program in "${!PACKAGES[@]}"; do
  command -v "$program" >/dev/null 2>&1 || PATH="$PATH:/usr/sbin:/sbin" command -v "$program" >/dev/null 2>&1 \
    || missing+=("${PACKAGES[$program]}")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
if [[ $(id -u) -ne 0 ]]; then
  echo "The tests need Debian packages that are not installed: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
echo "Installing the Debian packages the tests need: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
