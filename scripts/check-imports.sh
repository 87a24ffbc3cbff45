#!/usr/bin/env bash
# Fails unless the guest module imports only our "nexus" module and the
# minimal WASI set the host implements (no files, network, env or args).
set -euo pipefail
wasm="$1"
allowed='^(nexus\.[a-z_]+|wasi_snapshot_preview1\.(clock_time_get|fd_write|fd_close|fd_seek|fd_fdstat_get))$'
imports=$(wasm-objdump -x -j Import "$wasm" | sed -n 's/.*<- \(.*\)$/\1/p')
bad=$(grep -Ev "$allowed" <<<"$imports" || true)
if [ -n "$bad" ]; then
  echo "check-imports: $wasm imports what the host does not provide:" >&2
  echo "$bad" >&2
  exit 1
fi
echo "check-imports: $(wc -l <<<"$imports") imports, all allowed"
