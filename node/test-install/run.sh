#!/usr/bin/env bash
# test-install/run.sh TARBALL - installs the packed nexus-runtime as a new
# user would: into a fresh project outside the repository, with a PATH that
# holds node, npm and a shell but no WebAssembly tool, no compiler and no
# make; then requires it, runs the counter and a handler awaiting an
# extension (smoke.js), checks that nothing was compiled and, with ldd,
# that the addon needs nothing beyond the C runtime's libraries.
set -euo pipefail

tarball=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/nexus-install.XXXXXX)
trap 'rm -rf "$work"' EXIT

# a PATH of exactly these tools
bin="$work/bin"
mkdir -p "$bin"
for tool in node npm sh bash env ldd sed cat uname; do
  ln -s "$(command -v "$tool")" "$bin/$tool"
done
for tool in clang clang-14 wasm2c wasm-opt wasm-ld cc gcc make python3; do
  if PATH="$bin" command -v "$tool" >/dev/null 2>&1; then
    echo "FAILED: $tool is on the test PATH"; exit 1
  fi
done

project="$work/project"
mkdir -p "$project"
cp "$here/smoke.js" "$project/"
cd "$project"
echo '{ "name": "nexus-install-check", "version": "1.0.0", "private": true }' > package.json
echo "== npm install $(basename "$tarball") (in $project)"
PATH="$bin" HOME="$work/home" npm_config_cache="${npm_config_cache:-$HOME/.npm}" \
  npm install --no-audit --no-fund --prefer-offline "$tarball"

pkg="$project/node_modules/nexus-runtime"
if [ -e "$pkg/build" ]; then
  echo "FAILED: the install compiled something ($pkg/build exists)"; exit 1
fi
addon="$pkg/prebuilds/$(PATH="$bin" node -p 'process.platform + "-" + process.arch')/nexus.node"
echo "== ldd $addon"
PATH="$bin" ldd "$addon"
# only the C runtime: libc, libm, the dynamic loader, the vDSO
extra=$(PATH="$bin" ldd "$addon" | sed -E 's/^[[:space:]]+//; s/ .*//' |
        { grep -Ev '^(linux-vdso\.so\.1|libc\.so\.6|libm\.so\.6|libpthread\.so\.0|libdl\.so\.2|librt\.so\.1|/lib64/ld-linux-x86-64\.so\.2|ld-linux-x86-64\.so\.2)$' || true; })
if [ -n "$extra" ]; then
  echo "FAILED: the addon needs more than the C runtime: $extra"; exit 1
fi

echo "== node smoke.js"
PATH="$bin" node smoke.js
echo "install check passed"
