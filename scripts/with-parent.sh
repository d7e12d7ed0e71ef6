#!/usr/bin/env bash
# Usage: with-parent.sh PARENT_PID COMMAND [ARGS...]
# Runs COMMAND and stops it when PARENT_PID disappears. Node cannot ask Linux to signal
# a child when its parent dies, so without this a SIGKILLed (or timed-out) test run or
# stack would leave its Temporal dev server and services running forever.
set -uo pipefail
parent=$1
shift
"$@" &
child=$!
stop_child() {
  kill -TERM "${child}" 2>/dev/null
  wait "${child}"
  exit $?
}
trap stop_child TERM INT HUP
while kill -0 "${parent}" 2>/dev/null; do
  if ! kill -0 "${child}" 2>/dev/null; then
    wait "${child}"
    exit $?
  fi
  sleep 1 &
  wait $!
done
stop_child
