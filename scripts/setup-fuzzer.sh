#!/usr/bin/env bash
# Installs the API contract fuzzer (schemathesis, pinned) into a virtual environment of
# this clone, .data/venv, from PyPI. Idempotent and quiet when it is there already.
# Called by scripts/setup.sh; test/api/contract-fuzz.test.ts runs it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

readonly SCHEMATHESIS_VERSION=4.32.5
readonly VENV="${SHARDPILOT_DATA_DIR:-.data}/venv"

say() { printf 'setup: %s\n' "$*"; }
fail() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

if [[ -x ${VENV}/bin/schemathesis ]] && "${VENV}/bin/schemathesis" --version 2>/dev/null | grep -q "${SCHEMATHESIS_VERSION}"; then
  exit 0
fi
command -v python3 >/dev/null 2>&1 || fail "python3 (3.10+) not found; the API contract fuzzer (schemathesis) needs it."
python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' \
  || fail "python3 $(python3 --version 2>&1) is too old for schemathesis ${SCHEMATHESIS_VERSION}; install Python 3.10+."
say "installing schemathesis ${SCHEMATHESIS_VERSION} into ${VENV} (first time only)…"
python3 -m venv "${VENV}"
"${VENV}/bin/pip" install --quiet --disable-pip-version-check "schemathesis==${SCHEMATHESIS_VERSION}"
say "schemathesis: $("${VENV}/bin/schemathesis" --version)"
