# Shared helpers of the deployment scripts (sourced, not run).
# shellcheck shell=bash
# shellcheck disable=SC2034  # the variables are for the scripts that source this file

NAMESPACE=${NAMESPACE:-todo-chatbot}
BACKEND_RELEASE=${BACKEND_RELEASE:-todo-backend}
FRONTEND_RELEASE=${FRONTEND_RELEASE:-todo-frontend}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Where deploy.sh writes the secrets values file made from .env (gitignored, mode 700).
SECRETS_DIR=${SECRETS_DIR:-$ROOT/.secrets}

die() {
  echo "$(basename "$0"): $*" >&2
  exit 1
}

# need TOOL HOW-TO-INSTALL: stop with a message naming the missing tool.
need() {
  command -v "$1" >/dev/null 2>&1 || die "$1 is not installed; $2"
}

say() {
  echo "== $*"
}
