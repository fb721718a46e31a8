#!/usr/bin/env bash
# Plan phase 5 as a gate: run the acceptance harness against the cluster; exit non-zero unless
# every selected criterion passed (NOT RUN counts as failure).
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

usage() {
  cat <<USAGE
usage: scripts/validate.sh [--target minikube|kind|kube] [-- PYTEST-ARGS...]

Runs \`pytest -m "mvp or should" --gate\` on the cluster (default target minikube, namespace
$NAMESPACE, reusing the deployed images with --no-build), and writes reports/report.html.
USAGE
}

target=minikube
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --target) [ $# -ge 2 ] || die "--target needs a value"; target=$2; shift ;;
    -h|--help) usage; exit 0 ;;
    --) shift; args+=("$@"); break ;;
    *) usage >&2; die "unknown argument $1 (pytest arguments go after --)" ;;
  esac
  shift
done

need make "install make"
cd "$ROOT"
make harness >/dev/null
exec .venv/bin/pytest -m "mvp or should" --target "$target" --gate --no-build "${args[@]}"
