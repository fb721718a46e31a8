#!/usr/bin/env bash
# Plan phase 1: start Minikube with the plan's resources, enable metrics-server, point kubectl at
# it and create the todo-chatbot namespace. Safe to run again.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

usage() {
  cat <<USAGE
usage: scripts/setup-minikube.sh [--cpus N] [--memory MB] [--driver NAME]

Starts (or reuses) a Minikube cluster, enables metrics-server, checks kubectl and helm, and creates
namespace \$NAMESPACE (default todo-chatbot).
  --cpus N       CPUs for the cluster (default 4, plan risk R-01)
  --memory MB    memory for the cluster (default 4096)
  --driver NAME  minikube driver (default: minikube's choice, e.g. docker)
USAGE
}

cpus=4
memory=4096
driver=""
while [ $# -gt 0 ]; do
  case "$1" in
    --cpus) [ $# -ge 2 ] || die "--cpus needs a value"; cpus=$2; shift ;;
    --memory) [ $# -ge 2 ] || die "--memory needs a value"; memory=$2; shift ;;
    --driver) [ $# -ge 2 ] || die "--driver needs a value"; driver=$2; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument $1" ;;
  esac
  shift
done

need docker "install Docker Desktop (https://docs.docker.com/get-docker/)"
need minikube "install Minikube (https://minikube.sigs.k8s.io/docs/start/)"
need kubectl "install kubectl (https://kubernetes.io/docs/tasks/tools/)"
need_helm

say "1.1 Docker"
docker info >/dev/null 2>&1 || die "Docker does not answer; start Docker Desktop"

say "1.2 Minikube"
if minikube status >/dev/null 2>&1; then
  echo "minikube is already running"
else
  args=(start --cpus="$cpus" --memory="$memory")
  [ -n "$driver" ] && args+=(--driver="$driver")
  minikube "${args[@]}"
fi
minikube addons enable metrics-server >/dev/null

say "1.4 kubectl context"
context=$(kubectl config current-context)
[ "$context" = minikube ] || die "kubectl's context is $context, not minikube; run: kubectl config use-context minikube"

say "1.5 Helm"
helm version --short

say "1.7 namespace $NAMESPACE"
kubectl create namespace "$NAMESPACE" --dry-run=client -o yaml | kubectl apply -f -

echo
echo "Ready. Next: scripts/build-images.sh --minikube && scripts/deploy.sh"
