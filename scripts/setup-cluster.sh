#!/usr/bin/env bash
# Prepares the production-shaped local cluster (npm run start:cluster / test:cluster):
# the official Temporal server, its SQL schema tool and schema files, and the Temporal
# UI server, all at the versions the pinned Temporal CLI embeds, plus PostgreSQL.
# Idempotent and quiet when there is nothing to do; prints one line per resolved part.
#
# Versions are read from the pinned CLI's go.mod rather than repeated here, so upgrading
# the CLI in setup.sh upgrades the cluster with it (the dev server and the cluster then
# run the same server code).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

TEMPORAL_CLI_VERSION=$(sed -n 's/^readonly TEMPORAL_CLI_VERSION=//p' scripts/setup.sh)
readonly TEMPORAL_CLI_VERSION
readonly CACHE_DIR="${HOME}/.cache/shardpilot"
readonly CACHE_BIN="${CACHE_DIR}/bin"
readonly POSTGRES_MAJOR_MIN=13

say() { printf 'setup-cluster: %s\n' "$*"; }
fail() { printf 'setup-cluster: error: %s\n' "$*" >&2; exit 1; }
# shellcheck source=scripts/lib/go-build.sh
source scripts/lib/go-build.sh

[[ -n ${TEMPORAL_CLI_VERSION} ]] || fail "could not read TEMPORAL_CLI_VERSION from scripts/setup.sh"

require_go() {
  command -v go >/dev/null 2>&1 || fail "Go 1.25+ is needed to build the Temporal server (https://go.dev/dl/)."
}

# Prints the version the CLI's go.mod requires for module $1. `go mod download` of an
# exact version is served from the module cache when present, so this is offline after
# the first run.
embedded_version() {
  local gomod
  gomod=$(GOFLAGS=-mod=mod go mod download -json "github.com/temporalio/cli@${TEMPORAL_CLI_VERSION}" \
    | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')
  [[ -f ${gomod} ]] || fail "could not download the go.mod of github.com/temporalio/cli@${TEMPORAL_CLI_VERSION}"
  awk -v mod="$1" '$1 == mod { print $2; exit }' "${gomod}"
}

module_dir() {
  GOFLAGS=-mod=mod go mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p'
}

ensure_binary() {
  local package=$1 name=$2
  if [[ ! -x ${CACHE_BIN}/${name} ]]; then
    build_go_binary "${package}" "${name}" "${CACHE_BIN}"
  fi
}

# Copies the PostgreSQL schema files out of the (read-only) module cache so the cluster
# does not depend on GOMODCACHE staying put.
ensure_schema() {
  local version=$1 target="${CACHE_DIR}/temporal-schema/$1"
  if [[ -f ${target}/postgresql/v12/temporal/versioned/v1.0/manifest.json ]]; then
    return 0
  fi
  local dir
  dir=$(module_dir "go.temporal.io/server@${version}")
  [[ -d ${dir}/schema/postgresql ]] || fail "schema/postgresql missing from go.temporal.io/server@${version}"
  mkdir -p "${target}.tmp"
  cp -R "${dir}/schema/postgresql" "${target}.tmp/"
  chmod -R u+w "${target}.tmp"
  rm -rf "${target}"
  mv "${target}.tmp" "${target}"
}

find_postgres_bin() {
  local dir major
  for dir in /usr/lib/postgresql/*/bin; do
    [[ -x ${dir}/pg_ctl && -x ${dir}/initdb ]] || continue
    major=$(basename "$(dirname "${dir}")")
    [[ ${major} =~ ^[0-9]+$ ]] && (( major >= POSTGRES_MAJOR_MIN )) || continue
    printf '%s\n' "${dir}"
  done | sort -V | tail -n 1
}

# Debian/Ubuntu only: CI runs on a clean Debian machine. Elsewhere, point
# SHARDPILOT_POSTGRES_BIN at a folder holding initdb, pg_ctl and psql.
ensure_postgres() {
  if [[ -n ${SHARDPILOT_POSTGRES_BIN:-} ]]; then
    [[ -x ${SHARDPILOT_POSTGRES_BIN}/pg_ctl ]] || fail "SHARDPILOT_POSTGRES_BIN=${SHARDPILOT_POSTGRES_BIN} has no pg_ctl"
    printf '%s\n' "${SHARDPILOT_POSTGRES_BIN}"
    return 0
  fi
  local bin
  bin=$(find_postgres_bin)
  if [[ -z ${bin} ]]; then
    command -v apt-get >/dev/null 2>&1 \
      || fail "PostgreSQL ${POSTGRES_MAJOR_MIN}+ not found; install it or set SHARDPILOT_POSTGRES_BIN"
    local sudo=()
    [[ $(id -u) -eq 0 ]] || sudo=(sudo)
    say "installing PostgreSQL with apt-get (first time only)…" >&2
    "${sudo[@]}" apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends postgresql >&2
    bin=$(find_postgres_bin)
    [[ -n ${bin} ]] || fail "apt-get installed PostgreSQL but no initdb/pg_ctl was found under /usr/lib/postgresql"
  fi
  printf '%s\n' "${bin}"
}

require_go
server_version=$(embedded_version go.temporal.io/server)
ui_version=$(embedded_version github.com/temporalio/ui-server/v2)
[[ -n ${server_version} ]] || fail "the CLI's go.mod names no go.temporal.io/server version"
[[ -n ${ui_version} ]] || fail "the CLI's go.mod names no github.com/temporalio/ui-server/v2 version"

ensure_binary "go.temporal.io/server/cmd/server@${server_version}" "temporal-server-${server_version}"
ensure_binary "go.temporal.io/server/cmd/tools/sql@${server_version}" "temporal-sql-tool-${server_version}"
ensure_schema "${server_version}"
ensure_binary "github.com/temporalio/ui-server/v2/cmd/server@${ui_version}" "temporal-ui-server-${ui_version}"
postgres_bin=$(ensure_postgres)

# Machine-readable summary for scripts/cluster.ts (one KEY=VALUE per line).
mkdir -p "${CACHE_DIR}"
cat >"${CACHE_DIR}/cluster.env.tmp" <<EOF
TEMPORAL_SERVER_VERSION=${server_version}
TEMPORAL_SERVER_BIN=${CACHE_BIN}/temporal-server-${server_version}
TEMPORAL_SQL_TOOL_BIN=${CACHE_BIN}/temporal-sql-tool-${server_version}
TEMPORAL_SCHEMA_DIR=${CACHE_DIR}/temporal-schema/${server_version}/postgresql/v12
TEMPORAL_UI_VERSION=${ui_version}
TEMPORAL_UI_SERVER_BIN=${CACHE_BIN}/temporal-ui-server-${ui_version}
POSTGRES_BIN=${postgres_bin}
EOF
mv -f "${CACHE_DIR}/cluster.env.tmp" "${CACHE_DIR}/cluster.env"
say "Temporal server ${server_version}, UI ${ui_version}, PostgreSQL $(basename "$(dirname "${postgres_bin}")") ready"
