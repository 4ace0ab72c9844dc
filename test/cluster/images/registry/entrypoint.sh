#!/bin/bash
# /home/harbor/entrypoint.sh of the registry-photon stand-in (test/cluster/images): serves
# /etc/registry/config.yml with Debian's distribution registry (docker-registry). Harbor's image
# first appends the CAs of /etc/harbor/ssl and /harbor_cust_cert to the system bundle on Photon
# only; this stand-in does not.
set -e
exec /usr/bin/registry_DO_NOT_USE_GC serve /etc/registry/config.yml
