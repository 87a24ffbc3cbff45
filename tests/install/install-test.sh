#!/usr/bin/env bash
# install-test.sh - installs Nexus into a temporary prefix and builds a
# user's program against it from outside the repository, as a new user
# would: `cc app.c $(pkg-config --cflags --libs nexus)` against the shared
# library, then `pkg-config --static` against the static one; both run the
# counter example. Then `make uninstall` must leave the prefix empty.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cc=${CC:-gcc}
prefix=$(mktemp -d /tmp/nexus-prefix.XXXXXX)
work=$(mktemp -d /tmp/nexus-user.XXXXXX)
trap 'rm -rf "$prefix" "$work"' EXIT

make -s -C "$repo" install PREFIX="$prefix" > /dev/null
cp "$repo/tests/install/counter_app.c" "$repo/examples/counter.js" "$work/"
cd "$work"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"

echo "install-test: shared: cc counter_app.c \$(pkg-config --cflags --libs nexus)"
$cc -Wall -Werror counter_app.c $(pkg-config --cflags --libs nexus) -Wl,-rpath,"$prefix/lib" -o app-shared
# ldd's output is kept before it is searched: `ldd | grep -q` under
# pipefail fails whenever grep exits before ldd has written everything
# (SIGPIPE), which a loaded machine made happen.
libs=$(ldd ./app-shared)
grep -qF "$prefix/lib/libnexus.so.0" <<< "$libs" || { echo "install-test: app-shared does not use the installed libnexus.so.0" >&2; exit 1; }
./app-shared counter.js > shared.out

echo "install-test: static: cc counter_app.c \$(pkg-config --static --cflags --libs nexus)"
# -l:libnexus.a: the static archive even though the shared one sits beside it
$cc -Wall -Werror counter_app.c $(pkg-config --static --cflags --libs nexus | sed 's/-lnexus/-l:libnexus.a/') -o app-static
libs=$(ldd ./app-static)
if grep -q libnexus <<< "$libs"; then echo "install-test: app-static links libnexus.so" >&2; exit 1; fi
./app-static counter.js > static.out

make -s -C "$repo" uninstall PREFIX="$prefix"
left=$(find "$prefix" -type f -o -type l)
if [ -n "$left" ]; then
  echo "install-test: make uninstall left files behind:" >&2
  echo "$left" >&2
  exit 1
fi
echo "install-test: both programs ran the counter (42, one mutation, one event); uninstall left nothing"
