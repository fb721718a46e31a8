#!/usr/bin/env bash
# Remove both releases (and, with --purge, the namespace with the database volume).
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

usage() {
  cat <<USAGE
usage: scripts/undeploy.sh [--purge]

Uninstalls releases $FRONTEND_RELEASE and $BACKEND_RELEASE from namespace $NAMESPACE.
  --purge   also delete the namespace, including the PostgreSQL volume (all data)
USAGE
}

purge=0
while [ $# -gt 0 ]; do
  case "$1" in
    --purge) purge=1 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument $1" ;;
  esac
  shift
done

need_helm
say "Helm: $(helm_tool)"
need kubectl "install kubectl (https://kubernetes.io/docs/tasks/tools/)"

for release in "$FRONTEND_RELEASE" "$BACKEND_RELEASE"; do
  if helm status "$release" -n "$NAMESPACE" >/dev/null 2>&1; then
    say "uninstall $release"
    op "uninstall $release" kagent "uninstall the Helm release $release from namespace $NAMESPACE" \
      "! helm status $release -n $NAMESPACE >/dev/null 2>&1" -- helm uninstall "$release" -n "$NAMESPACE" --wait
  else
    echo "$release is not installed in $NAMESPACE"
  fi
done
if [ "$purge" = 1 ]; then
  say "delete namespace $NAMESPACE"
  op "delete namespace $NAMESPACE" kubectl-ai "delete namespace $NAMESPACE and wait until it is gone" \
    "! kubectl get namespace $NAMESPACE >/dev/null 2>&1" -- \
    kubectl delete namespace "$NAMESPACE" --ignore-not-found --wait=true
fi
