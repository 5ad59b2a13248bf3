#!/usr/bin/env bash
# Build meshedge's native toolchain (Pulumi CLI + language hosts, the
# pulumi-kubernetes provider and, with --with-cluster, etcd, kube-apiserver and
# kube-controller-manager; with --with-lbc, the AWS Load Balancer Controller;
# with --with-actionlint, actionlint for the release workflow's contract test)
# from the Go module proxy into a cache OUTSIDE the repository. No GitHub or
# get.pulumi.com access is needed.
#
#   scripts/bootstrap-toolchain.sh [--with-cluster] [--with-lbc] [--with-actionlint] [--rebuild] [--no-path-pulumi]
#   scripts/bootstrap-toolchain.sh --relock [--with-cluster] [--with-lbc]
#
# Versions come only from versions.json; the wrapper modules under toolchain/
# lock them (go.mod + go.sum). See toolchain/README.md.
#
# Output: progress goes to stderr; stdout gets only the machine-readable lines
#   MESHEDGE_TOOLCHAIN_BIN=<dir>      (PulumiCommand.get({root: dirname(<dir>)}))
#   MESHEDGE_CLUSTER_BIN=<dir>        (only with --with-cluster)
#   MESHEDGE_LBC_BIN=<dir>            (only with --with-lbc)
#   MESHEDGE_ACTIONLINT_BIN=<dir>     (only with --with-actionlint)
#
# Environment:
#   MESHEDGE_TOOLCHAIN_DIR   cache root (default: $HOME/.cache/meshedge/toolchain)
#   GOMODCACHE / GOCACHE     left at their defaults (or whatever you set); they
#                            are what makes a second cold bin dir cheap.
set -euo pipefail

SCRIPT_NAME=bootstrap-toolchain
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VERSIONS_JSON=$REPO_ROOT/versions.json
WRAPPERS=$REPO_ROOT/toolchain

WITH_CLUSTER=0
WITH_LBC=0
WITH_ACTIONLINT=0
REBUILD=0
USE_PATH_PULUMI=1
RELOCK=0

log() { printf '[%s] %s\n' "$SCRIPT_NAME" "$*" >&2; }
die() {
  printf '[%s] ERROR: %s\n' "$SCRIPT_NAME" "$1" >&2
  shift
  local line
  for line in "$@"; do printf '[%s]   %s\n' "$SCRIPT_NAME" "$line" >&2; done
  exit 1
}
usage() { sed -n '2,24p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --with-cluster) WITH_CLUSTER=1 ;;
    --with-lbc) WITH_LBC=1 ;;
    --with-actionlint) WITH_ACTIONLINT=1 ;;
    --rebuild) REBUILD=1 ;;
    --no-path-pulumi) USE_PATH_PULUMI=0 ;;
    --relock) RELOCK=1 ;;
    -h | --help) usage; exit 0 ;;
    *) usage; die "unknown argument: $1" "run: $0 --help" ;;
  esac
  shift
done

# ---------------------------------------------------------------- prerequisites
command -v jq >/dev/null 2>&1 ||
  die "jq is not installed (needed to read versions.json)." "install it: sudo apt-get install -y jq"
[ -f "$VERSIONS_JSON" ] || die "missing $VERSIONS_JSON"
# Highest `go` directive among the wrapper modules this run builds.
# shellcheck disable=SC2016 # $1/$2 are awk fields
GO_NEEDED=$(
  skip=()
  [ "$WITH_CLUSTER" = 1 ] || skip+=(-path "$WRAPPERS/cluster" -prune -o)
  [ "$WITH_LBC" = 1 ] || skip+=(-path "$WRAPPERS/aws-load-balancer-controller" -prune -o)
  find "$WRAPPERS" "${skip[@]}" -name go.mod -print |
    xargs awk '$1 == "go" { print $2 }' | sort -V | tail -n1
)
go_install_hint() {
  printf '%s\n' "install Go >= $GO_NEEDED and put it on PATH (Debian's golang-go package is older). The Go module proxy also serves" \
    "Go itself: with any Go >= 1.21, 'GOTOOLCHAIN=go$GO_NEEDED go version' downloads it to" \
    "\$(go env GOMODCACHE)/golang.org/toolchain@v0.0.1-go$GO_NEEDED.linux-<arch>/bin; put that directory first on PATH and rerun: $0"
}
command -v go >/dev/null 2>&1 || {
  mapfile -t hint < <(go_install_hint)
  die "go is not installed or not on PATH (Go >= $GO_NEEDED is needed to build the toolchain)." "${hint[@]}"
}

jqv() {
  local v
  v=$(jq -er "$1" "$VERSIONS_JSON") || die "versions.json has no $1" "add it to $VERSIONS_JSON"
  printf '%s' "$v"
}
PULUMI_VERSION=$(jqv .pulumi.version)
HOSTS_PSEUDO=$(jqv .pulumi.languageHostsPseudoVersion)
K8S_PROVIDER_VERSION=$(jqv .pulumiKubernetes.version)
K8S_PROVIDER_PSEUDO=$(jqv .pulumiKubernetes.providerPseudoVersion)
CLUSTER_K8S_VERSION=$(jqv .cluster.kubernetes)
CLUSTER_ETCD_VERSION=$(jqv .cluster.etcd)
LBC_MOD=$(jqv .awsLoadBalancerControllerBinary.module)
LBC_PSEUDO=$(jqv .awsLoadBalancerControllerBinary.pseudoVersion)
LBC_APP_VERSION=$(jqv .awsLoadBalancerControllerBinary.appVersion)
ACTIONLINT_MOD=$(jqv .actionlint.module)
ACTIONLINT_VERSION=$(jqv .actionlint.version)

export GOTOOLCHAIN=local
export GOFLAGS="-mod=mod -buildvcs=false"
export CGO_ENABLED=0
GO_VERSION=$(go env GOVERSION)

PULUMI_MOD=github.com/pulumi/pulumi
HOST_MODULES=(
  "$PULUMI_MOD/sdk/nodejs/cmd/pulumi-language-nodejs/v3"
  "$PULUMI_MOD/sdk/python/cmd/pulumi-language-python/v3"
  "$PULUMI_MOD/sdk/go/pulumi-language-go/v3"
)
K8S_PROVIDER_MOD=github.com/pulumi/pulumi-kubernetes/provider/v4
ETCD_MOD=go.etcd.io/etcd/server/v3
KUBE_MOD=k8s.io/kubernetes

CACHE_ROOT=${MESHEDGE_TOOLCHAIN_DIR:-${HOME:?HOME is not set}/.cache/meshedge/toolchain}
TOOLCHAIN_DIR=$CACHE_ROOT/pulumi-$PULUMI_VERSION-k8s-$K8S_PROVIDER_VERSION
BIN=$TOOLCHAIN_DIR/bin
CLUSTER_DIR=$CACHE_ROOT/cluster-$CLUSTER_K8S_VERSION-etcd-$CLUSTER_ETCD_VERSION
CLUSTER_BIN=$CLUSTER_DIR/bin
LBC_DIR=$CACHE_ROOT/aws-load-balancer-controller-$LBC_PSEUDO
LBC_BIN=$LBC_DIR/bin
ACTIONLINT_BIN=$CACHE_ROOT/actionlint-$ACTIONLINT_VERSION/bin
BUILD_ROOT=$CACHE_ROOT/build

# ------------------------------------------------------------------- helpers
# go_at DIR ARGS...: run the go command in DIR with output on stderr.
go_at() { (cd "$1" && shift && go "$@") >&2; }

# Print a go.mod requirement's version without touching the network.
mod_require() { (cd "$1" && go mod edit -json) | jq -r --arg p "$2" '.Require[]? | select(.Path == $p) | .Version'; }

version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }

# check_go_directive DIR: fail early and clearly if go.mod needs a newer Go.
check_go_directive() {
  local need have
  need=$( (cd "$1" && go mod edit -json) | jq -r '.Go // "1.0"')
  have=${GO_VERSION#go}
  version_ge "$have" "$need" || {
    mapfile -t hint < <(GO_NEEDED=$need go_install_hint)
    die "${1#"$REPO_ROOT"/}/go.mod needs Go >= $need but $(command -v go) is $GO_VERSION (GOTOOLCHAIN=local: no automatic toolchain download)." "${hint[@]}"
  }
}

expect_pin() { # DIR MODULE WANT
  local got
  got=$(mod_require "$1" "$2")
  [ "$got" = "$3" ] ||
    die "${1#"$REPO_ROOT"/}/go.mod pins $2 at '${got:-<missing>}' but versions.json wants '$3'." \
      "update the lock: $0 --relock$([ "$WITH_CLUSTER" = 1 ] && echo ' --with-cluster') (then review and commit toolchain/)"
}

# Kubernetes staging replacements: v1.<minor>.<patch> -> v0.<minor>.<patch>
kube_staging_version() { printf 'v0.%s' "${1#1.}"; }

check_locks() {
  local m
  expect_pin "$WRAPPERS/pulumi" "$PULUMI_MOD/pkg/v3" "v$PULUMI_VERSION"
  expect_pin "$WRAPPERS/pulumi" "$PULUMI_MOD/sdk/v3" "v$PULUMI_VERSION"
  for m in "${HOST_MODULES[@]}"; do expect_pin "$WRAPPERS/pulumi" "$m" "$HOSTS_PSEUDO"; done
  expect_pin "$WRAPPERS/kubernetes-provider" "$K8S_PROVIDER_MOD" "$K8S_PROVIDER_PSEUDO"
  if [ "$WITH_CLUSTER" = 1 ]; then
    expect_pin "$WRAPPERS/cluster/etcd" "$ETCD_MOD" "v$CLUSTER_ETCD_VERSION"
    expect_pin "$WRAPPERS/cluster/kubernetes" "$KUBE_MOD" "v$CLUSTER_K8S_VERSION"
    local want bad
    want=$(kube_staging_version "$CLUSTER_K8S_VERSION")
    bad=$( (cd "$WRAPPERS/cluster/kubernetes" && go mod edit -json) |
      jq -r --arg w "$want" '.Replace[]? | select(.Old.Path | startswith("k8s.io/")) | select(.New.Version != $w) | .Old.Path')
    [ -z "$bad" ] || die "toolchain/cluster/kubernetes/go.mod replaces $(echo "$bad" | head -n1) (and maybe more) with a version other than $want." \
      "update the lock: $0 --relock --with-cluster"
  fi
  [ "$WITH_LBC" = 0 ] || expect_pin "$WRAPPERS/aws-load-balancer-controller" "$LBC_MOD" "$LBC_PSEUDO"
}

fingerprint() { # files... -> sha256 of the build inputs plus toolchain and flags
  # Paths relative to the repository, so that clones and worktrees of the same commit share the
  # cache instead of rebuilding over each other's binaries.
  local f rel=()
  for f in "$@"; do rel+=("${f#"$REPO_ROOT"/}"); done
  {
    printf '%s\n' "$GO_VERSION" "$GOFLAGS" "$CGO_ENABLED" "$(go env GOOS GOARCH)" "${rel[*]}"
    cat "$@"
  } | sha256sum | cut -c1-64
}

stamp_ok() { # BINDIR UNIT FINGERPRINT BINARIES...
  local dir=$1 unit=$2 fp=$3 b
  shift 3
  [ "$REBUILD" = 0 ] || return 1
  [ -f "$dir/.stamps/$unit" ] && [ "$(cat "$dir/.stamps/$unit")" = "$fp" ] || return 1
  for b in "$@"; do [ -x "$dir/$b" ] || return 1; done
}
write_stamp() { mkdir -p "$1/.stamps" && printf '%s\n' "$3" >"$1/.stamps/$2"; }

# Copy a wrapper module into the cache so that builds (and files generated for
# them) never touch the repository tree; warn if the go command had to change
# the lock files, which means the committed go.mod/go.sum are stale.
stage_wrapper() { # SRC DEST
  rm -rf "$2"
  mkdir -p "$(dirname "$2")"
  cp -R "$1" "$2"
  chmod -R u+w "$2"
}
check_drift() { # SRC DEST
  local f
  for f in go.mod go.sum; do
    cmp -s "$1/$f" "$2/$f" ||
      log "WARNING: building changed ${1#"$REPO_ROOT"/}/$f (lock is stale); run '$0 --relock' and commit the result."
  done
}

TIMINGS=()
timed() { # LABEL CMD... : run, time, and name the failed step on error
  local label=$1 start rc=0
  shift
  log "==> $label"
  start=$(date +%s)
  "$@" || rc=$?
  local secs=$(($(date +%s) - start))
  if [ "$rc" -ne 0 ]; then
    die "step failed after ${secs}s: $label (exit $rc)" \
      "output above shows the cause; module download errors mean GOPROXY ($(go env GOPROXY)) does not serve a pinned version." \
      "rerun just this tool with: $0 --rebuild$([ "$WITH_CLUSTER" = 1 ] && echo ' --with-cluster')$([ "$WITH_LBC" = 1 ] && echo ' --with-lbc')$([ "$WITH_ACTIONLINT" = 1 ] && echo ' --with-actionlint')"
  fi
  log "<== $label: ${secs}s"
  TIMINGS+=("$(printf '%-48s %6ss' "$label" "$secs")")
}

install_exec() { install -m 0755 "$@"; }

# -------------------------------------------------------------- --relock mode
relock_module() { # DIR REQUIRES...  (module@version); keeps existing go.sum lines
  local dir=$1
  shift
  local r args=()
  for r in "$@"; do args+=("-require=$r"); done
  go_at "$dir" mod edit "${args[@]}" || die "go mod edit failed in $dir"
  relock_tidy "$dir"
}
relock_tidy() {
  go_at "$1" mod tidy ||
    die "go mod tidy failed in ${1#"$REPO_ROOT"/} (output above)." \
      "a 403/404 from the proxy means a pinned version is not served: pick an available one (curl $(go env GOPROXY | cut -d, -f1)/<module>/@v/list) and update versions.json."
}

relock() {
  log "relocking wrapper modules under toolchain/ from versions.json (network: GOPROXY)"
  local m hosts=()
  for m in "${HOST_MODULES[@]}"; do hosts+=("$m@$HOSTS_PSEUDO"); done
  relock_module "$WRAPPERS/pulumi" "$PULUMI_MOD/pkg/v3@v$PULUMI_VERSION" "$PULUMI_MOD/sdk/v3@v$PULUMI_VERSION" "${hosts[@]}"
  relock_module "$WRAPPERS/kubernetes-provider" "$K8S_PROVIDER_MOD@$K8S_PROVIDER_PSEUDO"
  if [ "$WITH_CLUSTER" = 1 ]; then
    relock_module "$WRAPPERS/cluster/etcd" "$ETCD_MOD@v$CLUSTER_ETCD_VERSION"
    local kdir=$WRAPPERS/cluster/kubernetes kv=v$CLUSTER_K8S_VERSION upstream_mod staging old
    upstream_mod=$(cd "$kdir" && go mod download -json "$KUBE_MOD@$kv" | jq -r .GoMod) ||
      die "cannot download $KUBE_MOD@$kv from the Go module proxy" "check: curl -sS $(go env GOPROXY | cut -d, -f1)/$KUBE_MOD/@v/list"
    staging=$(kube_staging_version "$CLUSTER_K8S_VERSION")
    # Drop the old k8s.io replaces and godebug lines, then recreate them from upstream's go.mod.
    for old in $( (cd "$kdir" && go mod edit -json) | jq -r '.Replace[]? | select(.Old.Path | startswith("k8s.io/")) | .Old.Path'); do
      go_at "$kdir" mod edit -dropreplace="$old"
    done
    for old in $( (cd "$kdir" && go mod edit -json) | jq -r '.Godebug[]? | .Key'); do
      go_at "$kdir" mod edit -dropgodebug="$old"
    done
    go_at "$kdir" mod edit -require="$KUBE_MOD@$kv"
    # shellcheck disable=SC2013 # one module path per word is what we want
    for m in $(awk '$2 == "=>" && $3 ~ /^\.\/staging\// { print $1 }' "$upstream_mod"); do
      go_at "$kdir" mod edit -replace="$m=$m@$staging"
    done
    # godebug lines (single-line and block form)
    # shellcheck disable=SC2013
    for m in $(awk '/^godebug \(/ { b = 1; next } b && /^\)/ { b = 0 } b { print $1 } /^godebug [^(]/ { print $2 }' "$upstream_mod"); do
      go_at "$kdir" mod edit -godebug="$m"
    done
    relock_tidy "$kdir"
  fi
  [ "$WITH_LBC" = 0 ] || relock_module "$WRAPPERS/aws-load-balancer-controller" "$LBC_MOD@$LBC_PSEUDO"
  log "relocked; review 'git diff toolchain/' and commit go.mod/go.sum."
  log "note: if go reports 'verifying module ... 404' the checksum database behind GOPROXY lacks that"
  log "      (untagged) version; seed go.sum with the line from the upstream project's go.sum, then rerun."
}

# ----------------------------------------------- pulumi CLI + language hosts
# pulumi-analyzer-policy: the shim the engine starts for a Node.js policy pack (`--policy-pack`); it
# runs the pack's @pulumi/pulumi/cmd/run-policy-pack (pulumi 3.192.0 sdk/nodejs/dist).
PULUMI_BINS=(pulumi pulumi-language-nodejs pulumi-language-python pulumi-language-go pulumi-language-python-exec pulumi-analyzer-policy)

# If a pulumi on PATH is exactly v$PULUMI_VERSION and its language hosts are
# next to it (or on PATH), link them instead of building.
link_path_pulumi() {
  [ "$USE_PATH_PULUMI" = 1 ] || return 1
  local p real v dir h hp py_real
  p=$(command -v pulumi 2>/dev/null) || return 1
  real=$(readlink -f "$p")
  # Our own cache on PATH is not "a pulumi the user already has".
  [ "$real" != "$(readlink -f "$BIN/pulumi" 2>/dev/null || true)" ] || return 1
  v=$(PULUMI_SKIP_UPDATE_CHECK=true "$p" version 2>/dev/null | tr -d '[:space:]') || return 1
  [ "$v" = "v$PULUMI_VERSION" ] || { log "pulumi on PATH ($p) is '$v', not v$PULUMI_VERSION: building instead"; return 1; }
  dir=$(dirname "$real")
  local -A found=()
  for h in nodejs python go; do
    if [ -x "$dir/pulumi-language-$h" ]; then hp=$dir/pulumi-language-$h
    else hp=$(command -v "pulumi-language-$h" 2>/dev/null) || { log "pulumi on PATH is v$PULUMI_VERSION but pulumi-language-$h is missing: building instead"; return 1; }
    fi
    found[$h]=$(readlink -f "$hp")
  done
  py_real=$(dirname "${found[python]}")/pulumi-language-python-exec
  [ -f "$py_real" ] || { log "pulumi-language-python-exec is not next to ${found[python]}: building instead"; return 1; }
  [ -x "$dir/pulumi-analyzer-policy" ] || { log "pulumi-analyzer-policy is not next to $real: building instead"; return 1; }
  log "using pulumi v$PULUMI_VERSION from PATH ($real): linking it and its language hosts into $BIN"
  mkdir -p "$BIN"
  ln -sfn "$real" "$BIN/pulumi"
  for h in nodejs python go; do ln -sfn "${found[$h]}" "$BIN/pulumi-language-$h"; done
  ln -sfn "$py_real" "$BIN/pulumi-language-python-exec"
  for h in pulumi-resource-pulumi-nodejs pulumi-resource-pulumi-python pulumi-analyzer-policy; do
    [ -x "$dir/$h" ] && ln -sfn "$dir/$h" "$BIN/$h"
  done
  write_stamp "$BIN" pulumi "linked:$real"
  return 0
}

build_pulumi() {
  local src=$WRAPPERS/pulumi fp
  fp=$(fingerprint "$src/go.mod" "$src/go.sum" "$src/tools.go")
  if stamp_ok "$BIN" pulumi "$fp" "${PULUMI_BINS[@]}"; then
    log "pulumi CLI + language hosts v$PULUMI_VERSION: up to date (stamp)"
    return 0
  fi
  if [ "$REBUILD" = 0 ] && [ -f "$BIN/.stamps/pulumi" ] && grep -q '^linked:' "$BIN/.stamps/pulumi" &&
    [ "$(PULUMI_SKIP_UPDATE_CHECK=true "$BIN/pulumi" version 2>/dev/null | tr -d '[:space:]')" = "v$PULUMI_VERSION" ]; then
    log "pulumi CLI + language hosts v$PULUMI_VERSION: linked from $(sed 's/^linked://' "$BIN/.stamps/pulumi")"
    return 0
  fi
  if [ "$REBUILD" = 0 ] && link_path_pulumi; then return 0; fi

  local work=$BUILD_ROOT/pulumi-$PULUMI_VERSION stage sdk
  stage=$work/out
  check_go_directive "$src"
  stage_wrapper "$src" "$work/src"
  mkdir -p "$stage"
  timed "pulumi: download modules" go_at "$work/src" mod download
  timed "pulumi: build CLI + 3 language hosts" go_at "$work/src" build -trimpath -tags osusergo,grpcnotrace \
    -ldflags "-s -w -X $PULUMI_MOD/sdk/v3/go/common/version.Version=v$PULUMI_VERSION" \
    -o "$stage/" \
    "$PULUMI_MOD/pkg/v3/cmd/pulumi" "${HOST_MODULES[@]}"
  check_drift "$src" "$work/src"
  sdk=$(cd "$work/src" && go list -m -f '{{.Dir}}' "$PULUMI_MOD/sdk/v3")
  [ -f "$sdk/python/cmd/pulumi-language-python-exec" ] ||
    die "pulumi-language-python-exec not found in $sdk (the python host refuses to start without it)"
  install_exec "$sdk/python/cmd/pulumi-language-python-exec" "$stage/"
  [ -f "$sdk/nodejs/dist/pulumi-analyzer-policy" ] ||
    die "pulumi-analyzer-policy not found in $sdk (policy packs cannot run without it)"
  install_exec "$sdk/nodejs/dist/pulumi-analyzer-policy" "$stage/"
  local shim
  for shim in nodejs/dist/pulumi-resource-pulumi-nodejs python/dist/pulumi-resource-pulumi-python; do
    [ -f "$sdk/$shim" ] && install_exec "$sdk/$shim" "$stage/"
  done
  local v
  v=$(PULUMI_SKIP_UPDATE_CHECK=true "$stage/pulumi" version | tr -d '[:space:]')
  [ "$v" = "v$PULUMI_VERSION" ] || die "built pulumi reports '$v', expected v$PULUMI_VERSION"
  mkdir -p "$BIN"
  for shim in "$stage"/*; do mv -f "$shim" "$BIN/"; done
  write_stamp "$BIN" pulumi "$fp"
}

# ------------------------------------------------ pulumi-resource-kubernetes
build_k8s_provider() {
  local src=$WRAPPERS/kubernetes-provider fp
  fp=$(fingerprint "$src/go.mod" "$src/go.sum" "$src/cmd/pulumi-resource-kubernetes/main.go")
  fp=$(printf '%s %s' "$fp" "$K8S_PROVIDER_VERSION" | sha256sum | cut -c1-64)
  if stamp_ok "$BIN" kubernetes-provider "$fp" pulumi-resource-kubernetes; then
    log "pulumi-resource-kubernetes v$K8S_PROVIDER_VERSION: up to date (stamp)"
    return 0
  fi
  local work=$BUILD_ROOT/kubernetes-provider-$K8S_PROVIDER_VERSION mdir cmd
  check_go_directive "$src"
  stage_wrapper "$src" "$work/src"
  cmd=$work/src/cmd/pulumi-resource-kubernetes
  timed "kubernetes provider: download modules" go_at "$work/src" mod download
  mdir=$(cd "$work/src" && go list -m -f '{{.Dir}}' "$K8S_PROVIDER_MOD")/cmd/pulumi-resource-kubernetes
  # What upstream's `go generate` (generate.go) produces: the schema with its
  # version set, and the terraform mapping re-serialised (minified).
  jq -c --arg v "$K8S_PROVIDER_VERSION" '.version = $v' "$mdir/schema.json" >"$cmd/schema-embed.json"
  jq -c . "$mdir/terraform-mapping.json" >"$cmd/terraform-mapping-embed.json"
  timed "kubernetes provider: build" go_at "$work/src" build -trimpath \
    -ldflags "-s -w -X $K8S_PROVIDER_MOD/pkg/version.Version=$K8S_PROVIDER_VERSION" \
    -o "$work/pulumi-resource-kubernetes" ./cmd/pulumi-resource-kubernetes
  check_drift "$src" "$work/src"
  mkdir -p "$BIN"
  mv -f "$work/pulumi-resource-kubernetes" "$BIN/"
  write_stamp "$BIN" kubernetes-provider "$fp"
}

# ------------------------------------------------------------- cluster tier
build_etcd() {
  local src=$WRAPPERS/cluster/etcd fp work=$BUILD_ROOT/etcd-$CLUSTER_ETCD_VERSION
  fp=$(fingerprint "$src/go.mod" "$src/go.sum" "$src/tools.go")
  if stamp_ok "$CLUSTER_BIN" etcd "$fp" etcd; then
    log "etcd v$CLUSTER_ETCD_VERSION: up to date (stamp)"
    return 0
  fi
  check_go_directive "$src"
  stage_wrapper "$src" "$work/src"
  timed "etcd: download modules" go_at "$work/src" mod download
  timed "etcd: build" go_at "$work/src" build -trimpath -ldflags "-s -w" -o "$work/etcd" "$ETCD_MOD"
  check_drift "$src" "$work/src"
  mkdir -p "$CLUSTER_BIN"
  mv -f "$work/etcd" "$CLUSTER_BIN/"
  write_stamp "$CLUSTER_BIN" etcd "$fp"
}

build_kube() {
  local src=$WRAPPERS/cluster/kubernetes fp work=$BUILD_ROOT/kubernetes-$CLUSTER_K8S_VERSION
  fp=$(fingerprint "$src/go.mod" "$src/go.sum" "$src/tools.go")
  if stamp_ok "$CLUSTER_BIN" kubernetes "$fp" kube-apiserver kube-controller-manager; then
    log "kube-apiserver + kube-controller-manager v$CLUSTER_K8S_VERSION: up to date (stamp)"
    return 0
  fi
  check_go_directive "$src"
  stage_wrapper "$src" "$work/src"
  # Same version variables and tags as kubernetes' hack/lib/version.sh and hack/lib/golang.sh.
  local major=${CLUSTER_K8S_VERSION%%.*} rest minor pkg ldflags="-s -w"
  rest=${CLUSTER_K8S_VERSION#*.}
  minor=${rest%%.*}
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=v$CLUSTER_K8S_VERSION -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
    ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  mkdir -p "$work/out"
  timed "kubernetes: download modules" go_at "$work/src" mod download
  timed "kubernetes: build kube-apiserver + kube-controller-manager" go_at "$work/src" build -trimpath \
    -tags selinux,notest,grpcnotrace -ldflags "$ldflags" -o "$work/out/" \
    "$KUBE_MOD/cmd/kube-apiserver" "$KUBE_MOD/cmd/kube-controller-manager"
  check_drift "$src" "$work/src"
  mkdir -p "$CLUSTER_BIN"
  mv -f "$work/out/kube-apiserver" "$work/out/kube-controller-manager" "$CLUSTER_BIN/"
  write_stamp "$CLUSTER_BIN" kubernetes "$fp"
}

# ------------------------------------------- AWS Load Balancer Controller
# The module root is upstream's main package. Same version variables as its
# Dockerfile sets (pkg/version.GitVersion/GitCommit/BuildDate); static, no cgo.
build_lbc() {
  local src=$WRAPPERS/aws-load-balancer-controller fp work=$BUILD_ROOT/aws-load-balancer-controller vpkg=$LBC_MOD/pkg/version
  fp=$(fingerprint "$src/go.mod" "$src/go.sum" "$src/tools.go")
  fp=$(printf '%s %s' "$fp" "$LBC_APP_VERSION" | sha256sum | cut -c1-64)
  if stamp_ok "$LBC_BIN" aws-load-balancer-controller "$fp" aws-load-balancer-controller; then
    log "aws-load-balancer-controller $LBC_APP_VERSION ($LBC_PSEUDO): up to date (stamp)"
    return 0
  fi
  check_go_directive "$src"
  stage_wrapper "$src" "$work/src"
  timed "aws-load-balancer-controller: download modules" go_at "$work/src" mod download
  timed "aws-load-balancer-controller: build" go_at "$work/src" build -trimpath -tags osusergo,netgo \
    -ldflags "-s -w -X $vpkg.GitVersion=$LBC_APP_VERSION -X $vpkg.GitCommit=${LBC_PSEUDO##*-} -X $vpkg.BuildDate=1970-01-01T00:00:00Z" \
    -o "$work/aws-load-balancer-controller" "$LBC_MOD"
  check_drift "$src" "$work/src"
  mkdir -p "$LBC_BIN"
  mv -f "$work/aws-load-balancer-controller" "$LBC_BIN/"
  write_stamp "$LBC_BIN" aws-load-balancer-controller "$fp"
}

# ----------------------------------------------------------------- actionlint
# A tagged module: `go install module@version` builds it from its own go.mod/go.sum (checked
# against the checksum database), so no wrapper module is needed. GOFLAGS drops -mod=mod, which
# `go install pkg@version` does not accept. The version is stamped in by Go's build info.
install_actionlint() { # GOBIN
  (cd "$1" && GOBIN=$1 GOFLAGS=-buildvcs=false go install -trimpath -ldflags "-s -w" "$ACTIONLINT_MOD/cmd/actionlint@v$ACTIONLINT_VERSION") >&2
}
build_actionlint() {
  local fp work=$BUILD_ROOT/actionlint-$ACTIONLINT_VERSION v
  fp=$(printf '%s %s %s %s' "$GO_VERSION" "$CGO_ENABLED" "$ACTIONLINT_MOD" "$ACTIONLINT_VERSION" | sha256sum | cut -c1-64)
  if stamp_ok "$ACTIONLINT_BIN" actionlint "$fp" actionlint; then
    log "actionlint v$ACTIONLINT_VERSION: up to date (stamp)"
    return 0
  fi
  mkdir -p "$work"
  timed "actionlint: build" install_actionlint "$work"
  v=$("$work/actionlint" -version | head -n1 | tr -d '[:space:]')
  [ "$v" = "v$ACTIONLINT_VERSION" ] || die "built actionlint reports '$v', expected v$ACTIONLINT_VERSION"
  mkdir -p "$ACTIONLINT_BIN"
  mv -f "$work/actionlint" "$ACTIONLINT_BIN/"
  write_stamp "$ACTIONLINT_BIN" actionlint "$fp"
}

# -------------------------------------------------------------------- main
if [ "$RELOCK" = 1 ]; then
  relock
  exit 0
fi

mkdir -p "$CACHE_ROOT"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$CACHE_ROOT/.lock"
  flock -w 7200 9 || die "timed out waiting for another bootstrap-toolchain run (lock $CACHE_ROOT/.lock)"
fi

check_locks
log "Go $GO_VERSION; GOMODCACHE=$(go env GOMODCACHE); GOCACHE=$(go env GOCACHE)"
log "pulumi v$PULUMI_VERSION (hosts $HOSTS_PSEUDO), pulumi-kubernetes v$K8S_PROVIDER_VERSION -> $BIN"
[ "$WITH_CLUSTER" = 0 ] || log "kubernetes v$CLUSTER_K8S_VERSION, etcd v$CLUSTER_ETCD_VERSION -> $CLUSTER_BIN"
[ "$WITH_LBC" = 0 ] || log "aws-load-balancer-controller $LBC_APP_VERSION ($LBC_MOD@$LBC_PSEUDO) -> $LBC_BIN"
[ "$WITH_ACTIONLINT" = 0 ] || log "actionlint v$ACTIONLINT_VERSION ($ACTIONLINT_MOD) -> $ACTIONLINT_BIN"

TOTAL_START=$(date +%s)
build_pulumi
build_k8s_provider
if [ "$WITH_CLUSTER" = 1 ]; then
  build_etcd
  build_kube
fi
[ "$WITH_LBC" = 0 ] || build_lbc
[ "$WITH_ACTIONLINT" = 0 ] || build_actionlint
rm -rf "$BUILD_ROOT"

if [ "${#TIMINGS[@]}" -gt 0 ]; then
  log "timings:"
  for t in "${TIMINGS[@]}"; do log "  $t"; done
fi
log "total: $(($(date +%s) - TOTAL_START))s"

echo "MESHEDGE_TOOLCHAIN_BIN=$BIN"
[ "$WITH_CLUSTER" = 0 ] || echo "MESHEDGE_CLUSTER_BIN=$CLUSTER_BIN"
[ "$WITH_LBC" = 0 ] || echo "MESHEDGE_LBC_BIN=$LBC_BIN"
[ "$WITH_ACTIONLINT" = 0 ] || echo "MESHEDGE_ACTIONLINT_BIN=$ACTIONLINT_BIN"
