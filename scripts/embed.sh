#!/usr/bin/env bash
# Prints a C file defining `const char NAME[]` (the bytes of FILE, plus a
# terminating NUL) and `const unsigned NAME_length`. Used to build the
# prelude into the guest; the output goes to build/, never to the repo.
set -euo pipefail
name="$1"
file="$2"
echo "/* generated from $file by scripts/embed.sh */"
echo "const char ${name}_source[] = {"
od -An -v -tx1 "$file" | sed -e 's/ \([0-9a-f][0-9a-f]\)/0x\1,/g'
echo "0x00 };"
echo "const unsigned ${name}_length = $(wc -c < "$file");"
