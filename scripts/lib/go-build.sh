# Sourced by scripts/setup.sh and scripts/setup-cluster.sh; expects `say` and `fail` from the caller.
#
# build_go_binary PACKAGE NAME DEST_DIR [HINT]
# `go install PACKAGE` (PKG@VERSION, or a local package path) and put its one binary at
# DEST_DIR/NAME, with a progress line every 15 s. It builds into a private staging folder
# and moves the binary into place, so an interrupted build never leaves a half-written
# binary that the next run would trust. HINT is added to the failure message.
build_go_binary() {
  local package=$1 name=$2 dest=$3 hint=${4:-}
  local staging log started pid built
  mkdir -p "${dest}"
  staging=$(mktemp -d "${dest}/.build.XXXXXX")
  log="${staging}/go-install.log"
  # shellcheck disable=SC2064 # expand now: the trap must remove this staging folder
  trap "rm -rf '${staging}'" EXIT
  say "building ${package} into ${dest}/${name} with $(go env GOVERSION) (first time only: minutes, many more on a busy machine)…"
  started=${SECONDS}
  GOBIN="${staging}" go install -v "${package}" >"${log}" 2>&1 &
  pid=$!
  while kill -0 "${pid}" 2>/dev/null; do
    sleep 15
    if kill -0 "${pid}" 2>/dev/null; then
      say "  still building ${name}… $((SECONDS - started))s elapsed, $(wc -l <"${log}" | tr -d ' ') packages compiled"
    fi
  done
  if ! wait "${pid}"; then
    tail -n 30 "${log}" >&2
    fail "building ${package} failed (log above).${hint:+ ${hint}}"
  fi
  built=$(find "${staging}" -maxdepth 1 -type f -perm -u+x | head -n 1)
  [[ -n ${built} ]] || fail "go install ${package} produced no binary"
  mv -f "${built}" "${dest}/${name}"
  rm -rf "${staging}"
  trap - EXIT
  say "built ${name} in $((SECONDS - started))s"
}
