#!/bin/sh
# Tidy Todo: install (or upgrade) the chart, with its namespace, its Secret and the migration.
set -eu
usage() {
  echo "usage: scripts/deploy.sh"
  echo "  env: NAMESPACE (tidy), TAG (latest), API_NODE_PORT (30081), WEB_NODE_PORT (30300),"
  echo "       OPENAI_API_KEY (required), OPENAI_BASE_URL (optional)"
}
case "${1:-}" in
  -h | --help) usage; exit 0 ;;
  "") ;;
  *) echo "deploy.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."
ns=${NAMESPACE:-tidy}
tag=${TAG:-latest}
: "${OPENAI_API_KEY:?set OPENAI_API_KEY: the backend does not start without it}"

# The chart makes the namespace; the Secret must be in it first, so Helm adopts it from us.
if ! kubectl get namespace "$ns" >/dev/null 2>&1; then
  kubectl create namespace "$ns"
  kubectl label namespace "$ns" app.kubernetes.io/managed-by=Helm
  kubectl annotate namespace "$ns" meta.helm.sh/release-name=tidy "meta.helm.sh/release-namespace=$ns"
fi
if ! kubectl -n "$ns" get secret tidy-secrets >/dev/null 2>&1; then
  secret=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
  kubectl -n "$ns" create secret generic tidy-secrets \
    --from-literal=JWT_SECRET="$secret" --from-literal=OPENAI_API_KEY="$OPENAI_API_KEY"
fi
set -- --set "namespace=$ns" --set "backend.tag=$tag" --set "frontend.tag=$tag" \
  --set "backend.nodePort=${API_NODE_PORT:-30081}" --set "frontend.nodePort=${WEB_NODE_PORT:-30300}"
if [ -n "${OPENAI_BASE_URL:-}" ]; then set -- "$@" --set "backend.env.OPENAI_BASE_URL=$OPENAI_BASE_URL"; fi
helm upgrade --install tidy chart/tidy-todo -n "$ns" --wait --timeout 5m "$@"
kubectl -n "$ns" exec deploy/tidy-api -- python -m tidy migrate
echo "deployed: http://127.0.0.1:${WEB_NODE_PORT:-30300}"
