#!/usr/bin/env bash
# align-interpreter.sh IN OUT - copies wasm2c's output IN to OUT with the
# interpreter's function (QuickJS's JS_CallInternal) compiled with its loop
# heads at 64-byte boundaries: `#pragma GCC optimize ("align-loops=64")`
# around its definition, and nothing else changed.
#
# Why: every bytecode goes through one dispatch loop in that function. When
# the link happened to put that loop 16 or 32 bytes into a cache line, the
# compute benchmark ran 12-15% slower; which case a build got depended on
# the size of unrelated code, so figures jumped between builds
# (docs/performance.md, "Code layout"). Aligning every loop of the guest
# (-falign-loops=64 for the whole file) fixed it too but cost ~4% on short
# handlers; this aligns only where it was measured to matter.
#
# Fails the build if the function's definition or its end is not found
# exactly as wasm2c writes them.
set -euo pipefail

in=$1
out=$2
fail() { echo "align-interpreter.sh: $in: $*" >&2; exit 1; }

def='^static u64 w2c_JS_CallInternal\(Z_guest_instance_t\* instance, .*\) \{$'
n=$(grep -c -E "$def" "$in" || true)
[ "$n" -eq 1 ] || fail "expected one definition of w2c_JS_CallInternal, found $n"
start=$(grep -n -E "$def" "$in" | cut -d: -f1)
end=$(awk -v s="$start" 'NR > s && $0 == "}" { print NR; exit }' "$in")
[ -n "$end" ] || fail "w2c_JS_CallInternal has no closing brace at column 0"

tmp="$out.tmp"
awk -v s="$start" -v e="$end" '
  NR == s { print "#pragma GCC push_options"; print "#pragma GCC optimize (\"align-loops=64\")" }
  { print }
  NR == e { print "#pragma GCC pop_options" }
' "$in" > "$tmp"
mv "$tmp" "$out"
