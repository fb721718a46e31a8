#!/usr/bin/env bash
# A real single-node Kubernetes on this machine, for machines without Minikube or kind (CI here):
# Kubernetes server binaries plus Debian's etcd, containerd, runc, CNI plugins and dnsmasq.
# Everything lives under $TODO_CLUSTER_DIR; `down` stops exactly what `up` started.
set -euo pipefail

usage() {
  cat <<USAGE
usage: scripts/dev/local-cluster.sh up|down|status|load IMAGE...|images|render

  up          start etcd, kube-apiserver, kube-controller-manager, kube-scheduler, containerd (CNI
              bridge), kubelet, kube-proxy, cluster DNS (dnsmasq) and a hostPath volume provisioner;
              add the context $CONTEXT to your kubeconfig and make it current
  down        stop all of it (by the process ids up recorded), remove the pods' network namespaces,
              the bridge, the iptables chains, the context and $DIR
  status      each part's state; exit 0 when the cluster is up
  load IMAGE  copy images from the Docker daemon into the node's containerd (as \`kind load\` does)
  images      the images the node has
  render      write the configs for the binaries' version into \$TODO_CLUSTER_DIR and print each
              component's command line; starts nothing (what \`up\` would run)

environment:
  KUBE_BIN_DIR      the five server binaries, any version from 1.20 (default: what
                    scripts/dev/build-kubernetes.sh builds from Debian's source package, v1.20.2)
  TODO_CLUSTER_DIR  state, logs and volumes (default /var/lib/todo-local-cluster)
Needs root and Debian's etcd-server containerd runc containernetworking-plugins dnsmasq-base
conntrack iptables openssl gcc libc6-dev, and kubectl. Nothing is ever pulled: containerd runs
behind a dead proxy, so an image that is not on the node fails at once.
USAGE
}

KUBE_BIN_DIR=${KUBE_BIN_DIR:-$("$(dirname "$0")/build-kubernetes.sh" --print-dir)}
DIR=${TODO_CLUSTER_DIR:-/var/lib/todo-local-cluster}
CONTEXT=todo-local-cluster
HERE=$(cd "$(dirname "$0")" && pwd)
# The pod network: a bridge and the pods' network namespaces, all on this machine.
BRIDGE=todocni0
POD_CIDR=10.244.0.0/24
GATEWAY=10.244.0.1
SERVICE_CIDR=10.96.0.0/24
API_SERVICE_IP=10.96.0.1
DOMAIN=cluster.local
GUARD="todo-local-cluster: pods stay on this machine"
NODE=localhost
PAUSE_IMAGE=registry.k8s.io/pause:3.10
POSTGRES_IMAGE=local/postgres:15-bookworm
SOCK=$DIR/run/containerd.sock
KUBECONFIG_ADMIN=$DIR/kubeconfig
# Start order; `down` goes backwards.
PARTS=(etcd kube-apiserver kube-controller-manager kube-scheduler dnsmasq containerd kube-proxy kubelet agent)

die() { echo "local-cluster.sh: $*" >&2; exit 1; }
say() { echo "== $*"; }
need() { command -v "$1" >/dev/null 2>&1 || die "$1 is missing; $2"; }
kc() { kubectl --kubeconfig "$KUBECONFIG_ADMIN" --request-timeout=10s "$@"; }

# wait_for SECONDS WHAT COMMAND...: retry until the command succeeds.
wait_for() {
  local seconds=$1 what=$2; shift 2
  for _ in $(seq 1 "$((seconds * 2))"); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
  die "$what not ready after ${seconds}s; see $DIR/logs/"
}

pid_of() { [ -f "$DIR/pids/$1.pid" ] && cat "$DIR/pids/$1.pid"; }
# alive NAME: the recorded process still runs (and is still the one we started).
alive() {
  local pid; pid=$(pid_of "$1") || return 1
  [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$DIR"
}

# start NAME ARGV...: in the background, its own session, logged, its pid recorded.
start() {
  local name=$1; shift
  setsid "$@" >"$DIR/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$DIR/pids/$name.pid"
}

check_tools() {
  [ "$(id -u)" = 0 ] || die "a cluster needs root (containerd, network namespaces, iptables); run with sudo"
  local b
  for b in kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy; do
    [ -x "$KUBE_BIN_DIR/$b" ] || die "$KUBE_BIN_DIR/$b is missing; build them with scripts/dev/build-kubernetes.sh, or set KUBE_BIN_DIR to a folder that has them"
  done
  need etcd "apt-get install etcd-server"
  need containerd "apt-get install containerd"
  need ctr "apt-get install containerd"
  need runc "apt-get install runc"
  [ -x /usr/lib/cni/bridge ] || die "the CNI plugins are missing; apt-get install containernetworking-plugins"
  need dnsmasq "apt-get install dnsmasq-base"
  need conntrack "apt-get install conntrack"
  need iptables "apt-get install iptables"
  need openssl "apt-get install openssl"
  need gcc "apt-get install gcc libc6-dev"
  need kubectl "install kubectl (https://kubernetes.io/docs/tasks/tools/)"
  need python3 "apt-get install python3"
}

# The binaries' minor version ("Kubernetes v1.20.2" -> 20): what the configs and flags follow.
server_minor() {
  local version
  version=$("$KUBE_BIN_DIR/kubelet" --version 2>/dev/null) || die "$KUBE_BIN_DIR/kubelet --version failed"
  [[ $version =~ v1\.([0-9]+)\. ]] || die "cannot read a version from '$version' ($KUBE_BIN_DIR/kubelet)"
  [ "${BASH_REMATCH[1]}" -ge 20 ] || die "$version is older than 1.20, which this script does not support"
  echo "${BASH_REMATCH[1]}"
}

# insecure_port_off BINARY: --port=0 where the binary still has the deprecated unauthenticated HTTP
# port on all interfaces (kube-scheduler and kube-controller-manager before 1.23/1.24 open 10251/10252).
insecure_port_off() {
  local help
  help=$("$1" --help 2>&1 || true)  # whole, then searched: grep -q would cut the pipe (pipefail)
  if grep -qE -- '^ +--port int' <<<"$help"; then echo "--port=0"; fi
}

# The command lines of the components whose flags depend on the version: arrays of `up` and `render`.
component_argv() {
  CONTROLLER_MANAGER=("$KUBE_BIN_DIR/kube-controller-manager"
    --kubeconfig="$DIR/kube-controller-manager.kubeconfig" --leader-elect=false --bind-address=127.0.0.1
    --service-account-private-key-file="$DIR/pki/sa.key" --root-ca-file="$DIR/pki/ca.crt"
    --use-service-account-credentials=true --cluster-name=todo-local-cluster)
  SCHEDULER=("$KUBE_BIN_DIR/kube-scheduler" --kubeconfig="$DIR/kube-scheduler.kubeconfig"
    --leader-elect=false --bind-address=127.0.0.1)
  if [ -n "$(insecure_port_off "${CONTROLLER_MANAGER[0]}")" ]; then CONTROLLER_MANAGER+=(--port=0); fi
  if [ -n "$(insecure_port_off "${SCHEDULER[0]}")" ]; then SCHEDULER+=(--port=0); fi
  # Kubelet 1.20's in-tree cloud credential provider asks the cloud metadata address (off this
  # machine) at every start unless this is set; later kubelets have no in-tree providers.
  KUBELET=(env AWS_EC2_METADATA_DISABLED=true "$KUBE_BIN_DIR/kubelet" --config="$DIR/kubelet.yaml"
    --kubeconfig="$DIR/kubelet.kubeconfig" --hostname-override="$NODE" --node-ip="$GATEWAY"
    --root-dir="$DIR/kubelet" --cert-dir="$DIR/pki/kubelet")
  # Before 1.27 the runtime endpoint is a flag (config field unknown); before 1.24 so is the remote
  # runtime itself: without it kubelet 1.20 silently runs on Docker's dockershim where a dockerd runs.
  if [ "$MINOR" -lt 24 ]; then KUBELET+=(--container-runtime=remote); fi
  if [ "$MINOR" -lt 27 ]; then KUBELET+=(--container-runtime-endpoint="unix://$SOCK"); fi
}

pki() {
  local p=$DIR/pki
  mkdir -p "$p" && chmod 700 "$p"
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=todo-local-cluster-ca" \
    -keyout "$p/ca.key" -out "$p/ca.crt" 2>/dev/null
  cert() {  # cert NAME SUBJECT [SANS]
    openssl req -newkey rsa:2048 -nodes -subj "$2" -keyout "$p/$1.key" -out "$p/$1.csr" 2>/dev/null
    local ext=$p/$1.ext
    echo "extendedKeyUsage=serverAuth,clientAuth" >"$ext"
    [ -z "${3:-}" ] || echo "subjectAltName=$3" >>"$ext"
    openssl x509 -req -in "$p/$1.csr" -CA "$p/ca.crt" -CAkey "$p/ca.key" -CAcreateserial -days 30 \
      -extfile "$ext" -out "$p/$1.crt" 2>/dev/null
  }
  cert apiserver "/CN=kube-apiserver" \
    "DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.$DOMAIN,IP:127.0.0.1,IP:$API_SERVICE_IP"
  cert kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client"
  openssl genrsa -out "$p/sa.key" 2048 2>/dev/null
  openssl rsa -in "$p/sa.key" -pubout -out "$p/sa.pub" 2>/dev/null
  # One token per component, each the user the RBAC bootstrap roles expect.
  : >"$p/tokens.csv"
  local who token
  for who in "admin,admin,system:masters" "kube-controller-manager,system:kube-controller-manager," \
    "kube-scheduler,system:kube-scheduler," "kubelet,system:node:$NODE,system:nodes" "kube-proxy,system:kube-proxy,"; do
    token=$(openssl rand -hex 16)
    IFS=, read -r name user group <<<"$who"
    echo "$token,$user,$user${group:+,\"$group\"}" >>"$p/tokens.csv"
    kubeconfig "$DIR/$name.kubeconfig" "$token"
  done
}

# kubeconfig FILE TOKEN
kubeconfig() {
  cat >"$1" <<YAML
apiVersion: v1
kind: Config
clusters:
- name: $CONTEXT
  cluster: {server: "https://127.0.0.1:6443", certificate-authority: "$DIR/pki/ca.crt"}
users:
- name: $CONTEXT
  user: {token: "$2"}
contexts:
- name: $CONTEXT
  context: {cluster: $CONTEXT, user: $CONTEXT}
current-context: $CONTEXT
YAML
  chmod 600 "$1"
}

configs() {
  mkdir -p "$DIR/cni" "$DIR/dns"
  cat >"$DIR/cni/10-todo-bridge.conflist" <<JSON
{"cniVersion": "1.0.0", "name": "todo-pods", "plugins": [
  {"type": "bridge", "bridge": "$BRIDGE", "isGateway": true, "isDefaultGateway": true, "ipMasq": false,
   "hairpinMode": true,
   "ipam": {"type": "host-local", "ranges": [[{"subnet": "$POD_CIDR", "gateway": "$GATEWAY"}]],
            "dataDir": "$DIR/cni/ipam"}},
  {"type": "portmap", "capabilities": {"portMappings": true}}]}
JSON
  cat >"$DIR/containerd.toml" <<TOML
version = 2
root = "$DIR/containerd/root"
state = "$DIR/run/containerd"
[grpc]
  address = "$SOCK"
[ttrpc]
  address = "$SOCK.ttrpc"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  # This VM refuses oom_score_adj below the parent's; without it runc cannot start containers.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$DIR/cni"
TOML
  cat >"$DIR/kubelet.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
# On the bridge: the API server proxies to a node (/stats/summary, N-03) only at a non-loopback address.
address: $GATEWAY
healthzBindAddress: 127.0.0.1
readOnlyPort: 0
cgroupDriver: cgroupfs
failSwapOn: false
clusterDNS: [$GATEWAY]
clusterDomain: $DOMAIN
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: false}
  x509: {clientCAFile: "$DIR/pki/ca.crt"}
authorization: {mode: AlwaysAllow}
evictionHard: {memory.available: "100Mi", nodefs.available: "1%", imagefs.available: "1%", nodefs.inodesFree: "1%"}
imageGCHighThresholdPercent: 100
YAML
  # Fields newer than 1.20, only where the kubelet knows them (an older one ignores unknown fields
  # with no more than a "lenient decoding" warning, which hides a setting that did not apply).
  if [ "$MINOR" -ge 27 ]; then echo "containerRuntimeEndpoint: unix://$SOCK" >>"$DIR/kubelet.yaml"; fi
  # 1.31+ refuses cgroup v1 (this machine's) unless told otherwise.
  if [ "$MINOR" -ge 31 ]; then echo "failCgroupV1: false" >>"$DIR/kubelet.yaml"; fi
  cat >"$DIR/kube-proxy.yaml" <<YAML
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: "$DIR/kube-proxy.kubeconfig"}
mode: iptables
clusterCIDR: $POD_CIDR
hostnameOverride: $NODE
bindAddress: 127.0.0.1
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
nodePortAddresses: [127.0.0.0/8]
conntrack: {maxPerCore: 0}
YAML
}

# A one-layer image archive of the static pause binary, imported without a registry or Docker.
pause_image() {
  local w=$DIR/pause
  mkdir -p "$w/rootfs"
  gcc -static -O2 -o "$w/rootfs/pause" "$HERE/pause.c"
  tar -C "$w/rootfs" -cf "$w/layer.tar" pause
  local diff; diff=$(sha256sum "$w/layer.tar" | cut -d' ' -f1)
  cat >"$w/config.json" <<JSON
{"architecture": "amd64", "os": "linux", "config": {"Entrypoint": ["/pause"], "User": "65535:65535"},
 "rootfs": {"type": "layers", "diff_ids": ["sha256:$diff"]}}
JSON
  echo "[{\"Config\": \"config.json\", \"RepoTags\": [\"$PAUSE_IMAGE\"], \"Layers\": [\"layer.tar\"]}]" >"$w/manifest.json"
  tar -C "$w" -cf "$w/pause.tar" manifest.json config.json layer.tar
  ctr --address "$SOCK" -n k8s.io images import "$w/pause.tar" >/dev/null
}

# Images the cluster needs that no registry can give here, from the Docker daemon when it has them.
load_images() {
  local image
  for image in "$@"; do
    docker image inspect "$image" >/dev/null 2>&1 || die "$image is not in the Docker daemon; build it first"
    docker save "$image" | ctr --address "$SOCK" -n k8s.io images import - >/dev/null
    echo "loaded $image"
  done
}

up() {
  check_tools
  if [ -d "$DIR" ]; then
    status >/dev/null 2>&1 && { say "the cluster is already up (context $CONTEXT)"; return 0; }
    # Left behind by a run that was killed (a reboot, a CI job's end): cleared before starting anew.
    say "clearing what an earlier cluster left under $DIR"
    down >/dev/null
  fi
  local started=$SECONDS
  mkdir -p "$DIR"/{logs,pids,run,volumes}
  ip netns list 2>/dev/null | awk '{print $1}' >"$DIR/netns-before"
  MINOR=$(server_minor)
  say "Kubernetes 1.$MINOR: certificates and configs in $DIR"
  pki
  configs
  component_argv

  say "etcd"
  start etcd etcd --name default --data-dir "$DIR/etcd" --listen-client-urls http://127.0.0.1:2379 \
    --advertise-client-urls http://127.0.0.1:2379 --listen-peer-urls http://127.0.0.1:2380 \
    --initial-advertise-peer-urls http://127.0.0.1:2380 --initial-cluster default=http://127.0.0.1:2380
  wait_for 30 etcd etcdctl_health

  say "kube-apiserver"
  start kube-apiserver "$KUBE_BIN_DIR/kube-apiserver" --bind-address=127.0.0.1 --advertise-address=127.0.0.1 \
    --secure-port=6443 --etcd-servers=http://127.0.0.1:2379 --service-cluster-ip-range="$SERVICE_CIDR" \
    --service-account-issuer=https://kubernetes.default.svc --service-account-key-file="$DIR/pki/sa.pub" \
    --service-account-signing-key-file="$DIR/pki/sa.key" --authorization-mode=Node,RBAC --allow-privileged=true \
    --endpoint-reconciler-type=none --kubelet-preferred-address-types=InternalIP \
    --kubelet-client-certificate="$DIR/pki/kubelet-client.crt" --kubelet-client-key="$DIR/pki/kubelet-client.key" \
    --token-auth-file="$DIR/pki/tokens.csv" --client-ca-file="$DIR/pki/ca.crt" \
    --tls-cert-file="$DIR/pki/apiserver.crt" --tls-private-key-file="$DIR/pki/apiserver.key" --profiling=false
  cp "$DIR/admin.kubeconfig" "$KUBECONFIG_ADMIN"
  wait_for 60 kube-apiserver kc get --raw /readyz

  say "kube-controller-manager, kube-scheduler"
  start kube-controller-manager "${CONTROLLER_MANAGER[@]}"
  start kube-scheduler "${SCHEDULER[@]}"

  say "pod network ($BRIDGE, $POD_CIDR) and cluster DNS on $GATEWAY"
  ip link add "$BRIDGE" type bridge
  ip addr add "$GATEWAY/24" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  # Pods reach each other, Services and this machine; nothing they send is forwarded anywhere else.
  iptables -I FORWARD -s "$POD_CIDR" ! -o "$BRIDGE" -m comment --comment "$GUARD" -j REJECT
  : >"$DIR/dns/hosts"
  # No upstream server and no /etc/hosts: it answers for $DOMAIN only, so nothing leaves the machine.
  start dnsmasq dnsmasq --keep-in-foreground --conf-file=/dev/null --listen-address="$GATEWAY" --bind-interfaces \
    --no-resolv --no-hosts --local="/$DOMAIN/" --addn-hosts="$DIR/dns/hosts" --pid-file="$DIR/run/dnsmasq.pid" \
    --user=root --log-facility=-

  say "containerd (pulls go to a dead proxy on 127.0.0.1:9)"
  start containerd env HTTP_PROXY=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9 NO_PROXY= \
    containerd --config "$DIR/containerd.toml"
  wait_for 30 containerd ctr --address "$SOCK" version
  pause_image
  if docker image inspect "$POSTGRES_IMAGE" >/dev/null 2>&1; then
    load_images "$POSTGRES_IMAGE"
  else
    echo "note: $POSTGRES_IMAGE is not in Docker, so the chart's in-cluster PostgreSQL cannot start here" \
      "(scripts/build-base-images.sh builds it)" >&2
  fi

  say "kube-proxy, kubelet"
  start kube-proxy "$KUBE_BIN_DIR/kube-proxy" --config="$DIR/kube-proxy.yaml"
  start kubelet "${KUBELET[@]}"
  wait_for 120 "node $NODE" node_ready
  # A kubelet that fell back to another runtime (dockershim) turns Ready with no pod network.
  local runtime
  runtime=$(kc get node "$NODE" -o jsonpath='{.status.nodeInfo.containerRuntimeVersion}')
  case "$runtime" in
    containerd://*) ;;
    *) die "the node runs on '$runtime', not this cluster's containerd ($SOCK); see $DIR/logs/kubelet.log" ;;
  esac

  say "default StorageClass 'standard' (hostPath volumes under $DIR/volumes) and the DNS/volume agent"
  kc apply -f - >/dev/null <<YAML
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: standard
  annotations: {storageclass.kubernetes.io/is-default-class: "true"}
provisioner: todo.local/hostpath
reclaimPolicy: Delete
volumeBindingMode: Immediate
YAML
  start agent python3 "$HERE/local_cluster_agent.py" --kubeconfig "$KUBECONFIG_ADMIN" --hosts "$DIR/dns/hosts" \
    --dnsmasq-pid "$DIR/run/dnsmasq.pid" --volumes "$DIR/volumes" --domain "$DOMAIN"
  # kubectl apply and helm install need a well-formed OpenAPI document (see docs/DEPLOYMENT-GUIDE.md).
  kc get --raw /openapi/v2 | python3 -c 'import json,sys; assert json.load(sys.stdin)["swagger"] == "2.0"' \
    || die "the API server serves a broken /openapi/v2 (a kube-apiserver built with Go's JSON v2 experiment does; build it with GOEXPERIMENT=nojsonv2)"

  say "context $CONTEXT in your kubeconfig (now the current one)"
  local token; token=$(kubectl config view --kubeconfig "$KUBECONFIG_ADMIN" --raw -o jsonpath='{.users[0].user.token}')
  kubectl config set-cluster "$CONTEXT" --server=https://127.0.0.1:6443 \
    --certificate-authority="$DIR/pki/ca.crt" --embed-certs=true >/dev/null
  kubectl config set-credentials "$CONTEXT" --token="$token" >/dev/null
  kubectl config set-context "$CONTEXT" --cluster="$CONTEXT" --user="$CONTEXT" >/dev/null
  kubectl config use-context "$CONTEXT" >/dev/null
  say "up in $((SECONDS - started)) s: $("$KUBE_BIN_DIR/kube-apiserver" --version), node $NODE Ready"
}

# What `up` would write and run for these binaries, started nowhere (the self-tests read it).
render() {
  MINOR=$(server_minor)
  mkdir -p "$DIR"
  configs
  component_argv
  echo "version: 1.$MINOR"
  echo "kube-controller-manager: ${CONTROLLER_MANAGER[*]}"
  echo "kube-scheduler: ${SCHEDULER[*]}"
  echo "kubelet: ${KUBELET[*]}"
}

etcdctl_health() { python3 - <<'PY'
import json, urllib.request
assert json.load(urllib.request.urlopen("http://127.0.0.1:2379/health", timeout=2))["health"] == "true"
PY
}

node_ready() {
  [ "$(kc get node "$NODE" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" = True ]
}

# stop NAME: TERM, then KILL after 20 s; only the process this script started.
stop() {
  local pid
  alive "$1" || { rm -f "$DIR/pids/$1.pid"; return 0; }
  pid=$(pid_of "$1")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 40); do alive "$1" || break; sleep 0.5; done
  if alive "$1"; then kill -9 "$pid" 2>/dev/null || true; fi
  rm -f "$DIR/pids/$1.pid"
}

down() {
  [ "$(id -u)" = 0 ] || die "run with sudo"
  [ -d "$DIR" ] || { say "no cluster under $DIR"; remove_context; return 0; }
  say "stopping the cluster under $DIR"
  stop agent
  stop kubelet
  # The pods' containers outlive the kubelet and containerd: kill them through containerd first.
  if alive containerd; then
    local task
    for task in $(ctr --address "$SOCK" -n k8s.io tasks ls -q 2>/dev/null); do
      ctr --address "$SOCK" -n k8s.io tasks kill -s SIGKILL "$task" >/dev/null 2>&1 || true
    done
    sleep 1
    for task in $(ctr --address "$SOCK" -n k8s.io tasks ls -q 2>/dev/null); do
      ctr --address "$SOCK" -n k8s.io tasks delete -f "$task" >/dev/null 2>&1 || true
    done
  fi
  stop kube-proxy
  stop containerd
  pkill -f "containerd-shim.*-namespace k8s.io.*-address $SOCK" 2>/dev/null || true
  # Whatever of the pods outlived containerd (a cluster whose containerd was killed): the kubelet's
  # cgroups hold every pod process.
  find /sys/fs/cgroup/pids/kubepods -name cgroup.procs -print0 2>/dev/null | xargs -0 -r cat \
    | xargs -r kill -9 2>/dev/null || true
  stop dnsmasq
  stop kube-scheduler
  stop kube-controller-manager
  stop kube-apiserver  # before etcd: without etcd it hangs in its graceful shutdown
  stop etcd
  # Network: the pods' namespaces this run created, the bridge, kube-proxy's and the kubelet's chains.
  local ns
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep '^cni-' || true); do
    grep -qx "$ns" "$DIR/netns-before" 2>/dev/null || ip netns delete "$ns" 2>/dev/null || true
  done
  ip link delete "$BRIDGE" 2>/dev/null || true
  while iptables -D FORWARD -s "$POD_CIDR" ! -o "$BRIDGE" -m comment --comment "$GUARD" -j REJECT 2>/dev/null; do :; done
  "$KUBE_BIN_DIR/kube-proxy" --cleanup >/dev/null 2>&1 || true  # exits 1 without ipset, after the iptables part
  local table chain rule parts
  for table in filter nat mangle; do
    for chain in KUBE-FIREWALL KUBE-KUBELET-CANARY; do
      while iptables -t "$table" -S 2>/dev/null | grep -q -- "-j $chain\$"; do
        rule=$(iptables -t "$table" -S | grep -m1 -- "-j $chain\$" | sed 's/^-A /-D /')
        read -ra parts <<<"$rule"
        iptables -t "$table" "${parts[@]}" 2>/dev/null || break
      done
      if iptables -t "$table" -F "$chain" 2>/dev/null; then iptables -t "$table" -X "$chain" 2>/dev/null || true; fi
    done
  done
  # Mounts the kubelet and containerd made under the state directory, deepest first.
  awk -v d="$DIR" '$2 ~ "^"d {print $2}' /proc/mounts | sort -r | while read -r mount; do umount -l "$mount" || true; done
  rm -rf "$DIR"
  remove_context
  say "down"
}

remove_context() {
  command -v kubectl >/dev/null 2>&1 || return 0
  kubectl config get-contexts "$CONTEXT" >/dev/null 2>&1 || return 0
  [ "$(kubectl config current-context 2>/dev/null)" != "$CONTEXT" ] || kubectl config unset current-context >/dev/null
  kubectl config delete-context "$CONTEXT" >/dev/null 2>&1 || true
  kubectl config delete-cluster "$CONTEXT" >/dev/null 2>&1 || true
  kubectl config delete-user "$CONTEXT" >/dev/null 2>&1 || true
}

status() {
  [ -d "$DIR/pids" ] || { echo "down (nothing under $DIR)"; return 3; }
  local part bad=0
  for part in "${PARTS[@]}"; do
    if alive "$part"; then echo "running  $part (pid $(pid_of "$part"))"; else echo "stopped  $part"; bad=1; fi
  done
  if [ "$bad" = 0 ] && node_ready; then echo "node $NODE Ready; context $CONTEXT"; return 0; fi
  return 1
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  load) shift; [ $# -gt 0 ] || die "load needs IMAGE..."; load_images "$@" ;;
  images) ctr --address "$SOCK" -n k8s.io images ls -q | grep -v '^sha256:' ;;
  render) render ;;
  -h|--help) usage ;;
  *) usage >&2; die "unknown argument ${1:-(none)}" ;;
esac
