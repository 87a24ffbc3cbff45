#!/usr/bin/env bash
# segue-accessors.sh IN OUT - makes the Segue build's guest C from wasm2c's
# output: IN with `#include "sandbox/segue_access.h"` inserted right after
# wasm2c's memory accessor definitions, which that header replaces with
# %gs:-relative ones (docs/architecture.md, "Segue").
#
# The rewrite is only sound if the generated code reaches linear memory
# through those accessors alone, so before writing OUT this checks, and
# fails the build otherwise, that IN has:
#  - the accessor block (`#if WABT_BIG_ENDIAN` ... `#endif`: load_data,
#    LOAD_DATA, DEFINE_LOAD, DEFINE_STORE) byte for byte as wabt 1.0.32
#    writes it (its SHA-256 below), followed by the 23 instantiations
#    listed below and nothing else;
#  - no call of memory.fill / memory.copy / memory.init helpers (they take
#    mem->data, not %gs:; clang only emits them with -mbulk-memory);
#  - no other use of the memory's data pointer in function bodies;
#  - an instantiate function that runs no guest code (only init_* steps:
#    it runs before the memory exists, when GS is not yet the guest's).
# A new wabt or a module that fails any check needs this script and
# segue_access.h looked at again, not silenced.
set -euo pipefail

in=$1
out=$2
fail() { echo "segue-accessors.sh: $in: $*" >&2; exit 1; }

# sha256 of wabt 1.0.32's accessor block (lines `#if WABT_BIG_ENDIAN` to
# its `#endif`, both included, each with its newline)
expected_block_sha=05adc0e465729f13ac85b1bb29f2258217733d1bc3fb4de4fc37531dc6c8c839

expected_instances='DEFINE_LOAD(i32_load, u32, u32, u32)
DEFINE_LOAD(i64_load, u64, u64, u64)
DEFINE_LOAD(f32_load, f32, f32, f32)
DEFINE_LOAD(f64_load, f64, f64, f64)
DEFINE_LOAD(i32_load8_s, s8, s32, u32)
DEFINE_LOAD(i64_load8_s, s8, s64, u64)
DEFINE_LOAD(i32_load8_u, u8, u32, u32)
DEFINE_LOAD(i64_load8_u, u8, u64, u64)
DEFINE_LOAD(i32_load16_s, s16, s32, u32)
DEFINE_LOAD(i64_load16_s, s16, s64, u64)
DEFINE_LOAD(i32_load16_u, u16, u32, u32)
DEFINE_LOAD(i64_load16_u, u16, u64, u64)
DEFINE_LOAD(i64_load32_s, s32, s64, u64)
DEFINE_LOAD(i64_load32_u, u32, u64, u64)
DEFINE_STORE(i32_store, u32, u32)
DEFINE_STORE(i64_store, u64, u64)
DEFINE_STORE(f32_store, f32, f32)
DEFINE_STORE(f64_store, f64, f64)
DEFINE_STORE(i32_store8, u8, u32)
DEFINE_STORE(i32_store16, u16, u32)
DEFINE_STORE(i64_store8, u8, u64)
DEFINE_STORE(i64_store16, u16, u64)
DEFINE_STORE(i64_store32, u32, u64)'

[ -r "$in" ] || fail "cannot read it"

# the block: first `#if WABT_BIG_ENDIAN` line to the next `#endif` line
start=$(grep -n -m1 -x '#if WABT_BIG_ENDIAN' "$in" | cut -d: -f1) || fail "no '#if WABT_BIG_ENDIAN' accessor block"
end=$(awk -v s="$start" 'NR > s && $0 == "#endif" { print NR; exit }' "$in")
[ -n "$end" ] || fail "the accessor block has no #endif"
sha=$(sed -n "${start},${end}p" "$in" | sha256sum | cut -d' ' -f1)
[ "$sha" = "$expected_block_sha" ] ||
  fail "wasm2c's accessor block (lines $start-$end) is not the one segue_access.h replaces (sha256 $sha)"

# then one blank line, the 23 instantiations, and a blank line
[ -z "$(sed -n "$((end + 1))p" "$in")" ] || fail "unexpected text after the accessor block"
first=$((end + 2))
last=$((first + 22))
got=$(sed -n "${first},${last}p" "$in")
[ "$got" = "$expected_instances" ] || fail "the accessor instantiations (lines $first-$last) differ from the expected 23"
[ -z "$(sed -n "$((last + 1))p" "$in")" ] || fail "more accessor instantiations than expected after line $last"
[ "$(grep -c -E '^DEFINE_(LOAD|STORE)\(' "$in")" -eq 23 ] || fail "accessors instantiated elsewhere too"

# bulk-memory helpers: defined by wasm2c, never called
for helper in memory_fill memory_copy memory_init; do
  n=$(grep -c -E "\\b$helper\\(" "$in" || true)
  [ "$n" -eq 1 ] || fail "$helper appears $n times (only its definition is allowed): the module uses bulk memory"
done
# the data pointer of the memory, outside the macros checked above
if grep -n -E 'w2c_memory(\)?)(\.|->)data\b' "$in" >/dev/null; then
  fail "generated code uses the memory's data pointer directly: $(grep -n -m1 -E 'w2c_memory(\)?)(\.|->)data\b' "$in")"
fi

# instantiate: only init_* steps
body=$(awk '/^void Z_[A-Za-z0-9_]*_instantiate\(/ { on = 1; next } on && /^}/ { exit } on' "$in")
[ -n "$body" ] || fail "no instantiate function"
# (kept in a variable, not piped into grep -q: under pipefail an early exit
# of grep -q makes the writer's SIGPIPE fail the test, hiding a finding)
extra=$(printf '%s\n' "$body" | grep -v -E '^  (assert\(.*\);|init_[a-z_]+\(instance(, [A-Za-z0-9_]+)*\);)$' || true)
if [ -n "$extra" ]; then
  fail "instantiate does more than init_* steps (a start function?): $(sed -n 1p <<< "$extra")"
fi

tmp="$out.tmp"
{
  sed -n "1,${last}p" "$in" | sed "$((first - 1))i #include \"sandbox/segue_access.h\"" 
  sed -n "$((last + 1)),\$p" "$in"
} > "$tmp"
mv "$tmp" "$out"
