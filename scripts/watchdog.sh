#!/usr/bin/env bash
# Runs one step of `npm test` with a time limit, so a step that stops making progress (a native
# call blocked for ever, a daemon that never answers) fails in minutes with evidence instead of
# holding the whole run until CI gives up. On the limit it prints every thread's native stack of
# the step's node processes (when gdb is installed), then stops the step and fails.
#   scripts/watchdog.sh <seconds> <label> <command> [args...]
set -uo pipefail
limit=$1 label=$2
shift 2

"$@" &
step=$!
( sleep "$limit" && kill -USR1 $$ ) 2>/dev/null &
timer=$!
# Not this shell's job any more: stopping it below is not reported as "Terminated".
disown "$timer"
hung=0
trap 'hung=1' USR1
wait "$step"
status=$?
if [ "$hung" -eq 1 ]; then
  echo "watchdog: '$label' was still running after ${limit}s; the stacks of its node processes follow." >&2
  descendants() { local p; for p in $(pgrep -P "$1"); do echo "$p"; descendants "$p"; done; }
  for pid in "$step" $(descendants "$step"); do
    [ "$(cat /proc/"$pid"/comm 2>/dev/null)" = node ] || continue
    echo "--- $(tr '\0' ' ' < /proc/"$pid"/cmdline | cut -c1-200)" >&2
    if command -v gdb >/dev/null; then
      timeout 60 gdb -p "$pid" -batch -ex 'thread apply all bt 12' 2>/dev/null | grep -E '^(Thread|#)' >&2
    fi
  done
  pkill -KILL -P "$step" 2>/dev/null
  kill -KILL "$step" 2>/dev/null
  wait "$step" 2>/dev/null
  exit 124
fi
pkill -P "$timer" 2>/dev/null
kill "$timer" 2>/dev/null
exit "$status"
