#!/usr/bin/env bash
# Finds (or installs) the Chromium the dashboard's browser tests drive through
# playwright-core. No browser is downloaded by npm: the distribution's package is used.
# Order: CHROMIUM_PATH, then chromium / chromium-browser / google-chrome on the PATH,
# then (as root with apt-get, e.g. CI on Debian/Ubuntu) `apt-get install chromium`.
# Prints the browser it resolved; test/support/chromium.ts looks in the same places.
set -euo pipefail

say() { printf 'setup-browser: %s\n' "$*"; }
fail() { printf 'setup-browser: error: %s\n' "$*" >&2; exit 1; }

find_chromium() {
  if [[ -n ${CHROMIUM_PATH:-} ]]; then
    [[ -x ${CHROMIUM_PATH} ]] || fail "CHROMIUM_PATH=${CHROMIUM_PATH} is not an executable file."
    printf '%s\n' "${CHROMIUM_PATH}"
    return 0
  fi
  local name
  for name in chromium chromium-browser google-chrome; do
    if command -v "${name}" >/dev/null 2>&1; then
      command -v "${name}"
      return 0
    fi
  done
  return 1
}

if browser=$(find_chromium); then
  say "Chromium: ${browser}"
  exit 0
fi
if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
  say "installing Chromium from the distribution (apt-get install chromium; first time only)…"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
  browser=$(find_chromium) || fail "apt-get installed chromium but it is not on the PATH."
  say "Chromium: ${browser}"
  exit 0
fi
fail "no Chromium found. Install your distribution's package (Debian/Ubuntu: sudo apt-get install chromium; Fedora: sudo dnf install chromium) or set CHROMIUM_PATH=/path/to/chrome."
