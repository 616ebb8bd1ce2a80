#!/usr/bin/env bash
# Builds the intranet's container image (deploy/Containerfile) with podman: `make image`.
#
# No registry but Debian's, PyPI and npm may be reachable, so the base images are not pulled:
# mmdebstrap builds them from Debian packages and podman imports the tarballs. A tarball is cached
# outside the checkout, keyed by a hash of its suite and package list, so a re-run skips the
# minutes of debootstrapping; podman's layer cache does the rest.
#
# Environment:
#   IMAGE                  name:tag to build (intranet:latest)
#   INTRANET_IMAGE_CACHE   folder of the base tarballs (${XDG_CACHE_HOME:-$HOME/.cache}/intranet-image)
#   DEBIAN_MIRROR          Debian mirror for mmdebstrap (http://deb.debian.org/debian)
#   HOST_CA_BUNDLE         CA bundle handed to the build stages (not to the image) for pip and npm,
#                          so a TLS-inspecting proxy works (/etc/ssl/certs/ca-certificates.crt)
#   PODMAN_BUILD_ARGS      extra arguments for `podman build`, e.g. "--no-cache"
# Prints the image id on its last line.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
export CONTAINERS_CONF="${CONTAINERS_CONF:-$here/containers.conf}"

image=${IMAGE:-intranet:latest}
cache=${INTRANET_IMAGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/intranet-image}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
ca_bundle=${HOST_CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}

log() { printf '==> %s\n' "$*" >&2; }
for tool in podman mmdebstrap; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "build.sh needs $tool (apt-get install podman runc mmdebstrap)" >&2
        exit 1
    }
done
mkdir -p "$cache"

# base NAME SUITE PACKAGES: make sure the image intranet-base-NAME:<hash> exists, print its name.
base() {
    local name=$1 suite=$2 packages=$3 key tarball ref
    key=$(printf '%s\n' "$suite" "$packages" "$mirror" "v1" | sha256sum | cut -c1-16)
    ref="localhost/intranet-base-$name:$key"
    if podman image exists "$ref"; then
        printf '%s\n' "$ref"
        return
    fi
    tarball="$cache/$name-$suite-$key.tar"
    if [ ! -s "$tarball" ]; then
        log "Building the $name base from Debian $suite ($packages); a few minutes, cached afterwards"
        # minbase plus the packages; documentation, man pages and translations are left out.
        mmdebstrap --quiet --format=tar --variant=minbase --include="$packages" \
            --dpkgopt='path-exclude=/usr/share/man/*' \
            --dpkgopt='path-exclude=/usr/share/doc/*' \
            --dpkgopt='path-include=/usr/share/doc/*/copyright' \
            --dpkgopt='path-exclude=/usr/share/locale/*' \
            --dpkgopt='path-exclude=/usr/share/info/*' \
            --aptopt='Acquire::Retries "3"' \
            --aptopt='APT::Install-Recommends "false"' \
            "$suite" "$tarball.part" "$mirror" >&2
        mv "$tarball.part" "$tarball"
    fi
    log "Importing $tarball as $ref"
    podman import --quiet "$tarball" "$ref" >/dev/null
    printf '%s\n' "$ref"
}

started=$(date +%s)
# The bases are independent: build the missing ones side by side.
runtime_pkgs="python3,ca-certificates"
build_pkgs="python3,python3-venv,python3-dev,gcc,libc6-dev,gettext,ca-certificates"
# bookworm's nodejs is 18; package.json asks for node >= 20 (sass needs 20.19), which trixie has.
# This stage only produces static files, so its Debian release does not matter to the runtime.
node_pkgs="nodejs,npm,ca-certificates"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
base runtime bookworm "$runtime_pkgs" >"$tmp/runtime" &
p1=$!
base build bookworm "$build_pkgs" >"$tmp/build" &
p2=$!
base node trixie "$node_pkgs" >"$tmp/node" &
p3=$!
failed=0
for pid in "$p1" "$p2" "$p3"; do wait "$pid" || failed=1; done
[ "$failed" -eq 0 ] || { echo "building a base image failed" >&2; exit 1; }
log "Bases ready after $(($(date +%s) - started)) s"

secret=()
if [ -s "$ca_bundle" ]; then
    secret=(--secret "id=cabundle,src=$ca_bundle")
fi
# shellcheck disable=SC2086 # PODMAN_BUILD_ARGS is split on purpose
podman build \
    --file "$root/deploy/Containerfile" \
    --tag "$image" \
    --layers \
    --build-arg "RUNTIME_BASE=$(cat "$tmp/runtime")" \
    --build-arg "BUILD_BASE=$(cat "$tmp/build")" \
    --build-arg "NODE_BASE=$(cat "$tmp/node")" \
    "${secret[@]}" \
    ${PODMAN_BUILD_ARGS:-} \
    "$root" >&2
log "Image $image built in $(($(date +%s) - started)) s"
podman image inspect --format '{{.Id}}' "$image"
