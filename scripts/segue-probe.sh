#!/usr/bin/env bash
# segue-probe.sh OUT - measures once whether this machine wants the Segue
# build (scripts/segue-probe.c says how) and writes the Makefile fragment
# OUT, which sets SEGUE_DEFAULT. The Makefile includes OUT and runs this
# only when OUT is missing: delete it to measure again; SEGUE=0 or SEGUE=1
# on the make command line overrides it.
set -euo pipefail
out=$1
dir=$(dirname "$out")
mkdir -p "$dir"
want=0 ratio=0 how=failed
if gcc -std=gnu11 -O2 -o "$dir/segue-probe" "$(dirname "$0")/segue-probe.c" &&
   result=$("$dir/segue-probe"); then
  read -r want ratio how <<< "$result"
fi
if [ "$how" = failed ]; then
  why="the probe did not build or run"
elif [ "$how" != wrgsbase ]; then
  why="the kernel does not let user space write GS (no FSGSBASE): a system call per guest call"
else
  why="a load through a non-zero GS base takes ${ratio}x the time of base+index here"
fi
if [ "$want" = 1 ]; then choice="Segue build"; else choice="plain build"; fi
echo "segue-probe: $why; default: $choice (SEGUE=0/1 overrides; rm $out to measure again)" >&2
{
  echo "# written by scripts/segue-probe.sh: $why"
  echo "SEGUE_DEFAULT := $want"
} > "$out"
