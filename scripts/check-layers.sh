#!/usr/bin/env bash
# check-layers.sh OBJDIR GUEST_OBJ - the library's layers point one way.
#
# From the object files (what each one defines and what it uses, by nm),
# builds the graph "file A calls into file B" and checks two things:
#  1. no loop: no two source files call each other, directly or through
#     other files (tsort finds any loop);
#  2. every call goes down the layers below, never up:
#       runtime, replay   > execution > pool > sandbox (instances)
#       > guest (the translated QuickJS) > hostcalls
#       > registry, record, cache, metrics, store > result
#       > sandbox (traps, deadlines, memory) > common, infer
#     (a file may also call files of its own layer).
# Prints the edges that break a rule and exits 1.
set -euo pipefail
objdir=$1 guest=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

name_of() { local n=${1#"$objdir"/}; n=${n%.o}; [ "$1" = "$guest" ] && n=guest; echo "$n"; }

objects=$(find "$objdir" -name '*.o' | sort)
for o in $objects "$guest"; do
  n=$(name_of "$o")
  nm --defined-only "$o" | awk -v f="$n" '$2 ~ /^[TDBRV]$/ {print $3, f}' >> "$tmp/defs"
  nm -u "$o" | awk -v f="$n" '{print $2, f}' >> "$tmp/uses"
done
sort -o "$tmp/defs" "$tmp/defs"
sort -o "$tmp/uses" "$tmp/uses"
join "$tmp/uses" "$tmp/defs" | awk '$2 != $3 {print $2, $3, $1}' | sort -u > "$tmp/calls"
awk '{print $1, $2}' "$tmp/calls" | sort -u > "$tmp/edges"

status=0
if ! tsort "$tmp/edges" > /dev/null 2> "$tmp/loops"; then
  echo "check-layers: source files that call each other (a loop):" >&2
  grep -v 'input contains a loop' "$tmp/loops" | sed 's/^tsort: /  /' >&2
  status=1
fi

rank() {
  case $1 in
    runtime/*|replay/*) echo 9 ;;
    execution/*) echo 8 ;;
    pool/*) echo 7 ;;
    sandbox/instance|sandbox/guest_call|sandbox/instance_state) echo 6 ;;
    guest) echo 5 ;;
    hostcalls/*) echo 4 ;;
    registry/*|record/*|cache/*|metrics/*|store/*) echo 3 ;;
    result/*) echo 2 ;;
    sandbox/*) echo 1 ;;
    common/*|infer/*) echo 0 ;;
    *) echo "unknown" ;;
  esac
}

while read -r from to symbol; do
  rf=$(rank "$from") rt=$(rank "$to")
  if [ "$rf" = unknown ] || [ "$rt" = unknown ]; then
    echo "check-layers: $from -> $to: a file in no layer (add it to scripts/check-layers.sh)" >&2
    status=1
  elif [ "$rt" -gt "$rf" ]; then
    echo "check-layers: $from calls up into $to ($symbol)" >&2
    status=1
  fi
done < "$tmp/calls"

[ $status -eq 0 ] && echo "check-layers: $(wc -l < "$tmp/edges") calls between $(echo "$objects" | wc -l) files plus the guest; no loop, none going up"
exit $status
