#!/usr/bin/env bash
# Build todo-backend:<tag> and todo-frontend:<tag> (plan steps 2.3 and 2.7).
#
#   scripts/build-images.sh                  official base images (python:3.12-slim, node:20-slim)
#   scripts/build-images.sh --minikube       build inside Minikube's Docker daemon (minikube docker-env)
#   scripts/build-images.sh --local-bases    use the stand-ins of scripts/build-base-images.sh (no registry)
set -euo pipefail

usage() {
  cat <<USAGE
usage: scripts/build-images.sh [--tag TAG] [--minikube] [--local-bases] [--no-cache] [backend] [frontend]

  --tag TAG        image tag (default: latest)
  --minikube       build with Minikube's Docker daemon, so the cluster sees the images without loading them
  --local-bases    base images from scripts/build-base-images.sh instead of the official ones
  --no-cache       build every layer again
  backend|frontend build only these (default: both)
Environment: BASE_IMAGES=local (as --local-bases).
USAGE
}

root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=lib.sh
source "$root/scripts/lib.sh"

# image_created TAG: when the image was made, in seconds since the epoch (0 when it does not exist).
image_created() {
  local created
  created=$(docker image inspect -f '{{.Created}}' "$1" 2>/dev/null) || { echo 0; return; }
  date -d "$created" +%s
}
tag=latest
minikube=0
local_bases=0
extra=()
which_images=()

while [ $# -gt 0 ]; do
  case "$1" in
    --tag) [ $# -ge 2 ] || { echo "build-images.sh: --tag needs a value" >&2; exit 2; }; tag=$2; shift ;;
    --minikube) minikube=1 ;;
    --local-bases) local_bases=1 ;;
    --no-cache) extra+=(--no-cache) ;;
    backend|frontend) which_images+=("$1") ;;
    -h|--help) usage; exit 0 ;;
    *) echo "build-images.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
[ ${#which_images[@]} -gt 0 ] || which_images=(backend frontend)
[ "${BASE_IMAGES:-}" = local ] && local_bases=1  # the environment's way to say --local-bases

command -v docker >/dev/null 2>&1 || {
  echo "build-images.sh: docker is missing; install Docker Desktop (or Debian: apt-get install docker.io)" >&2; exit 1; }
if [ "$minikube" = 1 ]; then
  command -v minikube >/dev/null 2>&1 || { echo "build-images.sh: minikube is missing; see docs/DEPLOYMENT-GUIDE.md" >&2; exit 1; }
  eval "$(minikube docker-env)"
fi
docker info >/dev/null 2>&1 || { echo "build-images.sh: the Docker daemon does not answer; start Docker" >&2; exit 1; }

# A daemon without a bridge network (dockerd --bridge=none) can only build on the host's network.
if ! docker network inspect bridge >/dev/null 2>&1; then
  extra+=(--network host)
fi
if [ "$local_bases" = 1 ]; then
  read -r -a base_args <<<"$("$root/scripts/build-base-images.sh" --print-build-args)"
  extra+=("${base_args[@]}")
fi

for name in "${which_images[@]}"; do
  # Docker reads <context>/.dockerignore; it must match the deliverable in docker/<name>/.
  if ! cmp -s "$root/docker/$name/.dockerignore" "$root/$name/.dockerignore"; then
    echo "build-images.sh: $name/.dockerignore differs from docker/$name/.dockerignore; run:" >&2
    echo "  cp docker/$name/.dockerignore $name/.dockerignore" >&2
    exit 1
  fi
  echo "== building todo-$name:$tag"
  started=$(date +%s)
  build=(docker build ${extra[@]+"${extra[@]}"} -f "$root/docker/$name/Dockerfile" -t "todo-$name:$tag" "$root/$name")
  # Gordon where Docker Desktop has it (kept when the image was made just now), else docker build.
  op "2 build todo-$name:$tag" gordon "Run exactly this and report the outcome: ${build[*]}" \
    "[ \"\$(image_created todo-$name:$tag)\" -ge $started ]" -- "${build[@]}"
  size=$(docker image inspect -f '{{.Size}}' "todo-$name:$tag" | awk '{printf "%.0f MB", $1/1e6}')
  echo "== todo-$name:$tag built in $(( $(date +%s) - started )) s, $size"
done
