#!/usr/bin/env bash
# Prepares a clone to run: npm dependencies and the Temporal CLI. Idempotent and quiet
# when there is nothing to do; prints the Temporal CLI it resolved.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

readonly TEMPORAL_CLI_VERSION=v1.5.1
readonly TEMPORAL_CLI_MODULE=github.com/temporalio/cli/cmd/temporal
# Outside the repository so every clone on this machine reuses one build.
readonly CACHE_BIN="${HOME}/.cache/shardpilot/bin"
readonly WHAT_TO_INSTALL="Install Node.js 20.19+ and either the Temporal CLI (https://docs.temporal.io/cli, or set TEMPORAL_CLI=/path/to/temporal) or Go 1.25+ (https://go.dev/dl/) so setup can build it."

say() { printf 'setup: %s\n' "$*"; }
fail() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }
# shellcheck source=scripts/lib/go-build.sh
source scripts/lib/go-build.sh

check_node() {
  command -v node >/dev/null 2>&1 || fail "node not found. ${WHAT_TO_INSTALL}"
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
    || fail "Node.js $(node --version) is too old. ${WHAT_TO_INSTALL}"
}

install_npm_dependencies() {
  local marker=node_modules/.package-lock.json
  # A worktree that shares another checkout's node_modules through a symlink must not run
  # npm ci: it would empty the shared directory for everyone using it.
  if [[ -L node_modules ]]; then
    say "node_modules is a symlink to $(readlink node_modules): using it as it is (no npm ci)"
    return 0
  fi
  if [[ -d node_modules && -f ${marker} && ! package-lock.json -nt ${marker} ]]; then
    return 0
  fi
  say "installing npm dependencies (npm ci)…"
  npm ci --no-audit --no-fund --loglevel=error
  # npm may write the marker before it finishes; make the next run see it as fresh.
  touch "${marker}"
}

# Runs in a command substitution, so it reports "not found" by status only.
find_temporal_cli() {
  if [[ -n ${TEMPORAL_CLI:-} ]]; then
    printf '%s\n' "${TEMPORAL_CLI}"
    return 0
  fi
  if command -v temporal >/dev/null 2>&1; then
    command -v temporal
    return 0
  fi
  if [[ -x ${CACHE_BIN}/temporal ]]; then
    printf '%s\n' "${CACHE_BIN}/temporal"
    return 0
  fi
  return 1
}

go_is_recent_enough() {
  local version
  version=$(go env GOVERSION 2>/dev/null) || return 1
  version=${version#go}
  local major=${version%%.*} rest=${version#*.}
  local minor=${rest%%.*}
  [[ ${major} =~ ^[0-9]+$ && ${minor} =~ ^[0-9]+$ ]] || return 1
  (( major > 1 || (major == 1 && minor >= 25) ))
}

build_temporal_cli() {
  command -v go >/dev/null 2>&1 || fail "no Temporal CLI and no Go toolchain found. ${WHAT_TO_INSTALL}"
  go_is_recent_enough || fail "Go $(go env GOVERSION) is too old to build the Temporal CLI. ${WHAT_TO_INSTALL}"
  build_go_binary "${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}" temporal "${CACHE_BIN}" "${WHAT_TO_INSTALL}"
}

check_node
install_npm_dependencies
if [[ -n ${TEMPORAL_CLI:-} && ! -x ${TEMPORAL_CLI} ]]; then
  fail "TEMPORAL_CLI=${TEMPORAL_CLI} is not an executable file; unset it or point it at the temporal binary."
fi
if ! cli=$(find_temporal_cli); then
  build_temporal_cli
  cli=$(find_temporal_cli) || fail "the Temporal CLI build finished but ${CACHE_BIN}/temporal is missing."
fi
say "Temporal CLI: ${cli}"
bash scripts/setup-fuzzer.sh
