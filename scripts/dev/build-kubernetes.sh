#!/usr/bin/env bash
# The five Kubernetes server binaries (kube-apiserver, kube-controller-manager, kube-scheduler,
# kubelet, kube-proxy) built from Debian bookworm's *source* package `kubernetes` with Debian's Go:
# the only full Kubernetes a package registry ships (v1.20.2). The binaries land in a cache outside
# the repository, keyed by version; a second run finds them and builds nothing.
# Beside them: openapi-v2.json, the version's OpenAPI document (api/openapi-spec/swagger.json of the
# tree), which phase 3 validates the charts against. Prints the directory on stdout (progress goes
# to stderr), for KUBE_BIN_DIR.
set -euo pipefail

usage() {
  cat <<USAGE
usage: scripts/dev/build-kubernetes.sh [--print-dir]

  (no option)  build the server binaries unless the cache has them; print their directory
  --print-dir  print the directory the binaries go to, build nothing

environment:
  KUBE_CACHE_DIR   cache root (default \${XDG_CACHE_HOME:-~/.cache}/todo-harness/kubernetes)
  KUBE_DEB_VERSION the Debian source version (default $DEFAULT_DEB_VERSION)
Needs root for apt-get (dpkg-dev, golang-1.19-go, golang-github-modern-go-reflect2-dev are installed
when missing) and a deb entry for Debian bookworm in apt's sources: its deb-src twin is used in a
private apt configuration, the machine's own is left as it is. About 10 minutes on 2 cores.
USAGE
}

DEFAULT_DEB_VERSION=1.20.5+really1.20.2-1.1+deb12u1
DEB_VERSION=${KUBE_DEB_VERSION:-$DEFAULT_DEB_VERSION}
# "1.20.5+really1.20.2-1.1+deb12u1" -> v1.20.2: Debian's "really" names the tree's true version.
UPSTREAM=${DEB_VERSION%%-*}
UPSTREAM=${UPSTREAM##*really}
VERSION=v$UPSTREAM
CACHE=${KUBE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/todo-harness/kubernetes}
OUT=$CACHE/$VERSION
BINARIES=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy)
GO_PACKAGES=(golang-1.19-go golang-github-modern-go-reflect2-dev dpkg-dev)
GOROOT_BIN=/usr/lib/go-1.19/bin
REFLECT2=/usr/share/gocode/src/github.com/modern-go/reflect2

STEP="start"
say() { echo "== build-kubernetes: $*" >&2; }
step() { STEP=$1; say "$1"; }
on_exit() {
  local rc=$?
  [ "$rc" = 0 ] || echo "build-kubernetes.sh: failed at step \"$STEP\" (exit $rc); the lines above say why; work files are in $CACHE/work" >&2
}
trap on_exit EXIT
die() { echo "build-kubernetes.sh: $STEP: $*" >&2; exit 1; }

case "${1:-}" in
  -h | --help) usage; exit 0 ;;
  --print-dir) echo "$OUT"; exit 0 ;;
  "") ;;
  *) usage >&2; exit 2 ;;
esac

complete() {
  local b
  for b in "${BINARIES[@]}"; do [ -x "$OUT/$b" ] || return 1; done
  [ -f "$OUT/openapi-v2.json" ] && [ -f "$OUT/VERSION" ] && [ "$(cat "$OUT/VERSION")" = "$VERSION" ]
}

if complete; then
  say "$VERSION already built in $OUT"
  echo "$OUT"
  exit 0
fi

step "install the build tools (${GO_PACKAGES[*]})"
missing=()
for p in "${GO_PACKAGES[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || die "${missing[*]} missing and not root: apt-get install -y ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 ||
    die "apt-get install ${missing[*]} failed (run apt-get update first?)"
fi
[ -x "$GOROOT_BIN/go" ] || die "$GOROOT_BIN/go is missing after installing golang-1.19-go"
[ -d "$REFLECT2" ] || die "$REFLECT2 is missing after installing golang-github-modern-go-reflect2-dev"

WORK=$CACHE/work
mkdir -p "$WORK"

step "fetch Debian's source package kubernetes=$DEB_VERSION"
# A private apt configuration whose only sources are deb-src twins of the machine's bookworm entries
# (same URIs, suites, components and keyring): the machine's apt setup is not touched.
APT=$WORK/apt
mkdir -p "$APT/lists/partial" "$APT/sources.list.d"
python3 - "$APT/sources.list.d/bookworm-src.sources" <<'PY' || die "no deb entry for Debian bookworm in apt's sources (/etc/apt/sources.list, /etc/apt/sources.list.d/); add one"
import glob, re, sys
stanzas = []
for path in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
    for block in re.split(r"\n\s*\n", open(path).read()):
        fields, key = {}, None
        for line in block.splitlines():
            if line.startswith("#") or not line.strip():
                continue
            if line[0].isspace() and key:
                fields[key] += "\n" + line
                continue
            key, _, value = line.partition(":")
            fields[key.strip()] = value.strip()
        if "deb" in fields.get("Types", "").split() and fields.get("Enabled", "yes") != "no":
            stanzas.append(fields)
for path in ["/etc/apt/sources.list", *sorted(glob.glob("/etc/apt/sources.list.d/*.list"))]:
    try:
        lines = open(path).read().splitlines()
    except FileNotFoundError:
        continue
    for line in lines:
        m = re.match(r"\s*deb\s+(\[([^]]*)\]\s+)?(\S+)\s+(\S+)\s+(.*)", line)
        if m:
            opts = dict(o.split("=", 1) for o in (m.group(2) or "").split() if "=" in o)
            stanza = {"URIs": m.group(3), "Suites": m.group(4), "Components": m.group(5).split("#")[0].strip()}
            if "signed-by" in opts:
                stanza["Signed-By"] = opts["signed-by"]
            stanzas.append(stanza)
out = []
for s in stanzas:
    suites = [x for x in s.get("Suites", "").split() if x == "bookworm" or x.startswith("bookworm-")]
    if not suites or "main" not in s.get("Components", "").split():
        continue
    entry = ["Types: deb-src", f"URIs: {s['URIs']}", f"Suites: {' '.join(suites)}", "Components: main"]
    if "Signed-By" in s:
        entry.append(f"Signed-By: {s['Signed-By']}")
    out.append("\n".join(entry))
if not out:
    sys.exit(1)
open(sys.argv[1], "w").write("\n\n".join(out) + "\n")
PY
apt_private=(-o "APT::Sandbox::User=root" -o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$APT/sources.list.d"
  -o "Dir::State::Lists=$APT/lists" -o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache=")
apt-get "${apt_private[@]}" update -qq >&2 || die "apt-get update of the deb-src entries failed"
SRC=$WORK/src
mkdir -p "$SRC"
ORIG=kubernetes_${DEB_VERSION%-*}.orig.tar.gz
if [ ! -f "$SRC/$ORIG" ]; then
  (cd "$SRC" && apt-get "${apt_private[@]}" source --download-only "kubernetes=$DEB_VERSION" >&2) ||
    die "apt-get source kubernetes=$DEB_VERSION failed: is that version in bookworm's sources?"
fi
[ -f "$SRC/$ORIG" ] || die "apt-get source gave no $ORIG (got: $(ls "$SRC"))"

step "unpack the tree into a GOPATH"
GOPATH=$WORK/gopath
TREE=$GOPATH/src/k8s.io/kubernetes
rm -rf "$GOPATH"
mkdir -p "$TREE"
tar -xzf "$SRC/$ORIG" -C "$TREE" --strip-components=1 || die "cannot unpack $ORIG"
{ [ -d "$TREE/vendor" ] && [ -d "$TREE/cmd/kubelet" ]; } || die "$ORIG has no vendor/ or cmd/kubelet: not a full Kubernetes tree"

step "replace the vendored reflect2 1.0.1 (crashes on Go >= 1.18) with Debian's 1.0.2"
rm -f "$TREE"/vendor/github.com/modern-go/reflect2/*.go "$TREE"/vendor/github.com/modern-go/reflect2/*.s
cp "$REFLECT2"/*.go "$TREE/vendor/github.com/modern-go/reflect2/"
cp "$REFLECT2"/*.s "$TREE/vendor/github.com/modern-go/reflect2/" 2>/dev/null || true
rm -f "$TREE"/vendor/github.com/modern-go/reflect2/*_test.go

export GOPATH GO111MODULE=off CGO_ENABLED=0 GOPROXY=off GOFLAGS='' GOCACHE=$CACHE/go-build
export PATH=$GOROOT_BIN:$PATH
cd "$TREE"

step "generate the OpenAPI definitions the tarball lacks (openapi-gen)"
go build -o "$WORK/openapi-gen" ./vendor/k8s.io/kube-openapi/cmd/openapi-gen || die "go build openapi-gen failed"
# -R: vendor/k8s.io/* are symlinks into staging/, which grep -r would not follow.
inputs=$(grep -Rl --include='*.go' '+k8s:openapi-gen=' pkg cmd plugin vendor |
  grep -v -e '^vendor/k8s.io/code-generator/' -e 'sample-apiserver' |
  xargs -n1 dirname | LC_ALL=C sort -u |
  sed -e 's|^vendor/||' -e t -e 's|^|k8s.io/kubernetes/|' | paste -sd, -)
# (vendored packages by their own import path, k8s.io/api/core/v1: the API server looks the models
# up by those names)
[ -n "$inputs" ] || die "no package is tagged +k8s:openapi-gen="
"$WORK/openapi-gen" --logtostderr=false -i "$inputs" -p k8s.io/kubernetes/pkg/generated/openapi \
  -O zz_generated.openapi -h vendor/k8s.io/code-generator/hack/boilerplate.go.txt \
  -r "$WORK/openapi-api-rules.report" --output-base "$GOPATH/src" >&2 || die "openapi-gen failed"
[ -s pkg/generated/openapi/zz_generated.openapi.go ] || die "openapi-gen wrote no pkg/generated/openapi/zz_generated.openapi.go"
for model in k8s.io/api/core/v1.Pod k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1.CustomResourceDefinition; do
  grep -q "\"$model\"" pkg/generated/openapi/zz_generated.openapi.go ||
    die "the generated OpenAPI definitions lack $model: the API server would refuse to start"
done

step "go build ${BINARIES[*]} ($VERSION; about 10 minutes on 2 cores)"
ldflags="-s -w"
for pkg in k8s.io/kubernetes/vendor/k8s.io/component-base/version k8s.io/kubernetes/vendor/k8s.io/client-go/pkg/version; do
  major=${UPSTREAM%%.*} minor=${UPSTREAM#*.}
  minor=${minor%%.*}
  ldflags+=" -X $pkg.gitVersion=$VERSION -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
done
BIN=$WORK/bin
mkdir -p "$BIN"
jobs=$(nproc)
go build -p "$jobs" -ldflags "$ldflags" -o "$BIN/" \
  ./cmd/kube-apiserver ./cmd/kube-controller-manager ./cmd/kube-scheduler ./cmd/kubelet ./cmd/kube-proxy ||
  die "go build of the server binaries failed"

step "check and install the binaries into $OUT"
for b in "${BINARIES[@]}"; do
  got=$("$BIN/$b" --version 2>&1) || die "$b --version failed: $got"
  case "$got" in *"$VERSION"*) ;; *) die "$b reports '$got', expected $VERSION" ;; esac
done
rm -rf "$OUT.tmp"
mkdir -p "$OUT.tmp"
for b in "${BINARIES[@]}"; do cp "$BIN/$b" "$OUT.tmp/$b"; done
# The version's OpenAPI document, for validating charts against 1.20's schema offline (phase 3).
cp "$TREE/api/openapi-spec/swagger.json" "$OUT.tmp/openapi-v2.json" || die "the tree has no api/openapi-spec/swagger.json"
echo "$VERSION" >"$OUT.tmp/VERSION"
echo "Debian source package kubernetes=$DEB_VERSION, built with $(go version)" >"$OUT.tmp/SOURCE"
rm -rf "$OUT"
mv "$OUT.tmp" "$OUT"
rm -rf "$GOPATH"
STEP="finished"
say "$VERSION built into $OUT"
echo "$OUT"
