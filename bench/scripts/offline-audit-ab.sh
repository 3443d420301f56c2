#!/usr/bin/env bash
# Alternating A/B of the offline entry points, process start → answer, between two checkouts' ./interlock launchers:
# `hook claude-code` (a read-only Bash call, answered allow) and `exec --no-record -c true`.
# Usage: bench/scripts/offline-audit-ab.sh OLD_CHECKOUT NEW_CHECKOUT [ROUNDS]   (prints one "mode build ms" line per call)
set -euo pipefail
old="$1/interlock"; new="$2/interlock"; rounds="${3:-40}"
payload='{"session_id":"s","transcript_path":"/tmp/t","cwd":"/tmp","permission_mode":"default","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"git status && ls -la"},"tool_use_id":"t"}'
XDG_STATE_HOME="$(mktemp -d)"; export XDG_STATE_HOME
"$old" --version >/dev/null; "$new" --version >/dev/null
for _ in 1 2 3; do echo "$payload" | "$old" hook claude-code >/dev/null; echo "$payload" | "$new" hook claude-code >/dev/null; done
for _ in $(seq 1 "$rounds"); do
  for build in old new; do
    exe="$old"; [ "$build" = new ] && exe="$new"
    s=$(date +%s%N); echo "$payload" | "$exe" hook claude-code >/dev/null; e=$(date +%s%N)
    echo "hook $build $(( (e - s) / 1000 ))"
    s=$(date +%s%N); "$exe" exec --no-record --cwd /tmp -c true >/dev/null 2>&1; e=$(date +%s%N)
    echo "exec $build $(( (e - s) / 1000 ))"
  done
done
