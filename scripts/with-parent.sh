#!/usr/bin/env bash
# Usage: with-parent.sh PARENT_PID COMMAND [ARGS...]
# Runs COMMAND and stops it when PARENT_PID disappears. Node cannot ask Linux to signal
# a child when its parent dies, so without this a SIGKILLed (or timed-out) test run or
# stack would leave its Temporal dev server and services running forever.
# Expects to lead its own process group (ManagedChild spawns it detached).
set -uo pipefail
parent=$1
shift
"$@" &
child=$!

# A normal stop: the owner sends SIGTERM here once; relay it and report the exit.
relay_stop() {
  kill -TERM "${child}" 2>/dev/null
  wait "${child}"
  exit $?
}
trap relay_stop TERM INT HUP

# The owner is gone: nobody will escalate for us, so SIGTERM the whole group (the
# command and whatever it spawned), give it 10 s, then SIGKILL the group.
orphaned() {
  trap '' TERM
  kill -TERM -- "-$$" 2>/dev/null
  for _ in $(seq 50); do
    kill -0 "${child}" 2>/dev/null || break
    sleep 0.2
  done
  kill -KILL -- "-$$" 2>/dev/null
  exit 1
}

while kill -0 "${parent}" 2>/dev/null; do
  if ! kill -0 "${child}" 2>/dev/null; then
    wait "${child}"
    exit $?
  fi
  sleep 1 &
  wait $!
done
orphaned
