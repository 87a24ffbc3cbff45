#!/usr/bin/env bash
# check-exports.sh LIB.so HEADER - the shared library exports exactly the
# functions HEADER declares with NX_API: nothing internal (no other nx_*,
# no wasm_rt_*, no generated guest symbol), and nothing declared missing.
set -euo pipefail
lib=$1 header=$2
declared=$(sed -n 's/^NX_API .*[^a-z0-9_]\(nx_[a-z0-9_]*\)(.*/\1/p' "$header" | sort -u)
exported=$(nm -D --defined-only "$lib" | awk '{print $3}' | sort -u)
extra=$(comm -13 <(echo "$declared") <(echo "$exported"))
missing=$(comm -23 <(echo "$declared") <(echo "$exported"))
status=0
if [ -n "$extra" ]; then
  echo "check-exports: $lib exports symbols $header does not declare:" >&2
  echo "$extra" | sed 's/^/  /' >&2
  status=1
fi
if [ -n "$missing" ]; then
  echo "check-exports: $header declares functions $lib does not export:" >&2
  echo "$missing" | sed 's/^/  /' >&2
  status=1
fi
[ $status -eq 0 ] && echo "check-exports: $(echo "$exported" | wc -l) symbols, exactly the API of $(basename "$header")"
exit $status
