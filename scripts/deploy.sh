#!/usr/bin/env bash
# Plan phase 4: turn .env into a secrets values file (kept out of git), then install or upgrade
# both charts into the namespace and wait until every pod is Ready.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

usage() {
  cat <<USAGE
usage: scripts/deploy.sh [--env-file FILE] [--tag TAG] [--set KEY=VALUE]... [--frontend-set KEY=VALUE]...
                        [--timeout DURATION]

Installs (or upgrades) releases $BACKEND_RELEASE and $FRONTEND_RELEASE in namespace $NAMESPACE.
  --env-file FILE          settings to deploy (default .env; see .env.example). Secrets go to a
                           values file in \$SECRETS_DIR (default .secrets/, gitignored, mode 600),
                           never into git or a ConfigMap.
  --tag TAG                image tag of both images (default latest)
  --set KEY=VALUE          extra value for the backend chart (repeatable)
  --frontend-set KEY=VALUE extra value for the frontend chart (repeatable), e.g. service.nodePort=30081
  --timeout DURATION       how long helm waits for Ready pods (default 5m)
Environment: NAMESPACE, BACKEND_RELEASE, FRONTEND_RELEASE, SECRETS_DIR; BACKEND_SET (KEY=VALUE
words, each as --set); IMAGE_REGISTRY (both images from this registry, where they were pushed).
USAGE
}

env_file="$ROOT/.env"
tag=latest
timeout=5m
extra=()
frontend_extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --env-file) [ $# -ge 2 ] || die "--env-file needs a value"; env_file=$2; shift ;;
    --tag) [ $# -ge 2 ] || die "--tag needs a value"; tag=$2; shift ;;
    --set) [ $# -ge 2 ] || die "--set needs a value"; extra+=(--set "$2"); shift ;;
    --frontend-set) [ $# -ge 2 ] || die "--frontend-set needs a value"; frontend_extra+=(--set "$2"); shift ;;
    --timeout) [ $# -ge 2 ] || die "--timeout needs a value"; timeout=$2; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument $1" ;;
  esac
  shift
done

# The environment's values (the harness's S-06 passes its session's so): the backend's as --set,
# and the registry both images were pushed to.
read -r -a backend_set <<<"${BACKEND_SET:-}"
for kv in ${backend_set[@]+"${backend_set[@]}"}; do extra+=(--set "$kv"); done
if [ -n "${IMAGE_REGISTRY:-}" ]; then
  extra+=(--set "image.repository=${IMAGE_REGISTRY%/}/todo-backend")
  frontend_extra+=(--set "image.repository=${IMAGE_REGISTRY%/}/todo-frontend")
fi

need_helm
say "Helm: $(helm_tool)"
need kubectl "install kubectl (https://kubernetes.io/docs/tasks/tools/)"
need python3 "install Python 3"
need make "install make"
kubectl version --request-timeout=10s >/dev/null 2>&1 || die "kubectl cannot reach a cluster; run scripts/setup-minikube.sh"

# 4.1: secrets file from .env (plan risks R-07 and R-10: no hand-encoding, nothing in git).
mkdir -p "$SECRETS_DIR"
chmod 700 "$SECRETS_DIR"
secrets_file="$SECRETS_DIR/backend-values.yaml"
if [ -f "$env_file" ]; then
  say "4.1 secrets from $env_file -> $secrets_file"
  # python-dotenv reads it, in the harness's locked virtualenv (make harness creates it once).
  make -C "$ROOT" -s harness >/dev/null || die "could not set up .venv for scripts/env_to_values.py (make harness)"
  (umask 077 && "$ROOT/.venv/bin/python" "$ROOT/scripts/env_to_values.py" "$env_file" >"$secrets_file")
else
  say "4.1 no $env_file: SECRET_KEY is generated, the in-cluster PostgreSQL and the local AI agent are used"
  (umask 077 && echo "{}" >"$secrets_file")
fi
chmod 600 "$secrets_file"  # the umask only reaches new files; an older one may have been readable

kubectl create namespace "$NAMESPACE" --dry-run=client -o yaml | kubectl apply -f - >/dev/null

# Each step through kagent / kubectl-ai where installed (kept when the release or rollout checks
# out), else the plain helm / kubectl command; docs/AI-TOOLS-GUIDE.md has both.
say "4.2 backend ($BACKEND_RELEASE)"
before=$(release_revision "$BACKEND_RELEASE")
backend_install=(helm upgrade --install "$BACKEND_RELEASE" "$ROOT/helm-charts/todo-backend" -n "$NAMESPACE"
  -f "$secrets_file" --set image.tag="$tag" ${extra[@]+"${extra[@]}"} --wait --timeout "$timeout")
op "4.2 deploy $BACKEND_RELEASE" kagent "Run exactly this and report the outcome: ${backend_install[*]}" \
  "[ \"\$(release_revision $BACKEND_RELEASE)\" -gt $before ]" -- "${backend_install[@]}"
say "4.3 backend pods Ready"
op "4.3 wait for $BACKEND_RELEASE" kubectl-ai "wait until deployment $BACKEND_RELEASE in namespace $NAMESPACE is rolled out" \
  "kubectl -n $NAMESPACE rollout status deployment/$BACKEND_RELEASE --timeout=10s" -- \
  kubectl -n "$NAMESPACE" rollout status "deployment/$BACKEND_RELEASE" --timeout="$timeout"

say "4.5 frontend ($FRONTEND_RELEASE)"
before=$(release_revision "$FRONTEND_RELEASE")
frontend_install=(helm upgrade --install "$FRONTEND_RELEASE" "$ROOT/helm-charts/todo-frontend" -n "$NAMESPACE"
  --set image.tag="$tag" --set backendUrl="http://$BACKEND_RELEASE:8000" ${frontend_extra[@]+"${frontend_extra[@]}"}
  --wait --timeout "$timeout")
op "4.5 deploy $FRONTEND_RELEASE" kagent "Run exactly this and report the outcome: ${frontend_install[*]}" \
  "[ \"\$(release_revision $FRONTEND_RELEASE)\" -gt $before ]" -- "${frontend_install[@]}"
say "4.6 frontend pods Ready"
op "4.6 wait for $FRONTEND_RELEASE" kubectl-ai "wait until deployment $FRONTEND_RELEASE in namespace $NAMESPACE is rolled out" \
  "kubectl -n $NAMESPACE rollout status deployment/$FRONTEND_RELEASE --timeout=10s" -- \
  kubectl -n "$NAMESPACE" rollout status "deployment/$FRONTEND_RELEASE" --timeout="$timeout"

say "4.7 frontend URL"
if command -v minikube >/dev/null 2>&1 && minikube status >/dev/null 2>&1; then
  echo "run: minikube service $FRONTEND_RELEASE -n $NAMESPACE --url"
else
  echo "run: kubectl -n $NAMESPACE port-forward svc/$FRONTEND_RELEASE 3000:3000  (then http://127.0.0.1:3000)"
fi
