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

# ---- Helm: the helm CLI where installed (Helm 3 or 4); where there is none, scripts/helm-sdk, which
# runs the same few subcommands through Helm v4's own Go SDK from PyPI (helm-python-sdk) in the
# harness's virtualenv. Scripts call `helm` either way; helm_tool says which one runs.
HELM_INSTALL_HINT="install Helm 3 or 4 (https://helm.sh/docs/intro/install/)"
helm() {
  if [ -n "$(type -P helm)" ]; then
    command helm "$@"
  else
    [ -x "$ROOT/.venv/bin/python" ] || make -C "$ROOT" -s harness >/dev/null ||
      die "no helm CLI, and the harness's virtualenv for scripts/helm-sdk could not be set up (make harness); $HELM_INSTALL_HINT"
    "$ROOT/scripts/helm-sdk" "$@"
  fi
}

# need_helm: stop unless a helm CLI or scripts/helm-sdk (with Helm's SDK installed) can run.
need_helm() {
  [ -n "$(type -P helm)" ] && return 0
  helm version --short >/dev/null 2>&1 || die "no helm CLI and scripts/helm-sdk cannot run; $HELM_INSTALL_HINT"
}

# helm_tool: which Helm the scripts use, for their output and the usage log.
helm_tool() {
  if [ -n "$(type -P helm)" ]; then
    echo "helm CLI $(command helm version --short 2>/dev/null)"
  else
    echo "scripts/helm-sdk: Helm $(helm version --short | sed 's/+helm-python-sdk\./ through helm-python-sdk /')"
  fi
}

# ---- AI tools first, the plain command as fallback (plan risk R-05), every operation logged (N-01)
# One JSON line per operation in $AI_USAGE_LOG: time, operation, tool (gordon, kubectl-ai, kagent or
# manual), command, outcome, and who ran it ($AI_USAGE_BY: script; the harness sets its own).
AI_USAGE_LOG=${AI_USAGE_LOG:-$ROOT/logs/ai-usage.jsonl}

usage_log() {  # usage_log OPERATION TOOL OUTCOME COMMAND
  mkdir -p "$(dirname "$AI_USAGE_LOG")"
  python3 - "$@" "${AI_USAGE_BY:-script}" >>"$AI_USAGE_LOG" <<'PY'
import json, sys, time
operation, tool, outcome, command, by = sys.argv[1:6]
print(json.dumps({"time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "operation": operation,
                  "tool": tool, "command": command, "outcome": outcome, "by": by}))
PY
}

# ai_command TOOL REQUEST: sets AI_ARGV to the command that hands REQUEST to TOOL, if it is installed
# (AI_TOOLS=off forces the plain commands).
ai_command() {
  AI_ARGV=()
  [ "${AI_TOOLS:-auto}" != off ] || return 1
  case "$1" in
    gordon) command -v docker >/dev/null 2>&1 && docker ai --help >/dev/null 2>&1 && AI_ARGV=(docker ai "$2") ;;
    kubectl-ai) command -v kubectl-ai >/dev/null 2>&1 && AI_ARGV=(kubectl-ai --quiet "$2") ;;
    kagent) command -v kagent >/dev/null 2>&1 && AI_ARGV=(kagent invoke --task "$2") ;;
  esac
  [ ${#AI_ARGV[@]} -gt 0 ]
}

# op OPERATION TOOL REQUEST CHECK -- COMMAND...: the operation through the AI tool where it is
# installed, kept only when CHECK (a command, run with eval) then succeeds; otherwise, or where the
# tool is missing, the plain COMMAND. Each attempt is one line of the usage log.
op() {
  local operation=$1 tool=$2 request=$3 check=$4
  shift 4
  [ "${1:-}" = -- ] && shift
  if ai_command "$tool" "$request"; then
    if "${AI_ARGV[@]}" && eval "$check"; then
      usage_log "$operation" "$tool" ok "${AI_ARGV[*]}"
      return 0
    fi
    usage_log "$operation" "$tool" "failed; fell back to the plain command" "${AI_ARGV[*]}"
  fi
  local status=0
  "$@" || status=$?
  usage_log "$operation" manual "$([ "$status" = 0 ] && echo ok || echo "failed (exit $status)")" "$*"
  return "$status"
}

# release_revision RELEASE: the release's latest revision in $NAMESPACE (0 when there is none).
release_revision() {
  helm history "$1" -n "$NAMESPACE" --max 1 -o json 2>/dev/null \
    | python3 -c 'import json,sys; h=json.load(sys.stdin); print(h[-1]["revision"] if h else 0)' 2>/dev/null || echo 0
}
