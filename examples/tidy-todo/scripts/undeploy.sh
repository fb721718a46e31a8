#!/bin/sh
# Tidy Todo: uninstall the chart; its namespace (the chart's) goes with it, Secret and data too.
set -eu
usage() { echo "usage: scripts/undeploy.sh   (env: NAMESPACE (tidy))"; }
case "${1:-}" in
  -h | --help) usage; exit 0 ;;
  "") ;;
  *) echo "undeploy.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
esac
ns=${NAMESPACE:-tidy}
# Helm keeps the release's record in the namespace the chart itself deletes: once the namespace is
# gone the record is too, and Helm then says it could not purge it. That is the end we want.
if ! out=$(helm uninstall tidy -n "$ns" --wait 2>&1); then
  case "$out" in
    *"Failed to purge the release: release: not found"*) ;;
    *) echo "$out" >&2; exit 1 ;;
  esac
fi
echo "removed release tidy and namespace $ns"
