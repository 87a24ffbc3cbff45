#!/usr/bin/env bash
# test-install/run.sh TARBALL - installs the packed nexus-runtime as a new
# user would: into a fresh project outside the repository, with a PATH that
# holds node, npm and a shell but no WebAssembly tool, no compiler and no
# make; then requires it, runs the counter and a handler awaiting an
# extension (smoke.js), checks that nothing was compiled and, with ldd,
# that the addon needs nothing beyond the C runtime's libraries.
# With NEXUS_BUILD_FROM_SOURCE=1 the prebuilt addon is skipped: the PATH
# then holds a C compiler, make and Python (still no WebAssembly tool) and
# the addon built from the tarball's sources is checked the same way.
set -euo pipefail

tarball=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/nexus-install.XXXXXX)
trap 'rm -rf "$work"' EXIT

# a PATH of exactly these tools
bin="$work/bin"
mkdir -p "$bin"
from_source=${NEXUS_BUILD_FROM_SOURCE:-0}
tools="node npm sh bash env ldd sed cat uname"
forbidden="clang clang-14 wasm2c wasm-opt wasm-ld"
if [ "$from_source" = 1 ]; then
  # everything a build may use (compiler, make, Python, coreutils), but no
  # clang, LLVM or WebAssembly tool
  for f in /usr/bin/* /bin/*; do
    name=$(basename "$f")
    case "$name" in clang*|llvm*|lld*|wasm*|*-wasm*|wat2wasm|wasm2c) continue ;; esac
    [ -e "$bin/$name" ] || ln -s "$f" "$bin/$name"
  done
else
  forbidden="$forbidden cc gcc make python3"
fi
for tool in $tools; do
  path=$(command -v "$tool")
  # a version manager's shim needs its own PATH: take the system's Python
  if [ "$tool" = python3 ] && [ -x /usr/bin/python3 ]; then path=/usr/bin/python3; fi
  [ -e "$bin/$tool" ] || ln -s "$path" "$bin/$tool"
done
# gcc runs its own helpers (cc1, collect2) from its libexec directory
for tool in $forbidden; do
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
  NEXUS_BUILD_FROM_SOURCE="$from_source" \
  npm install --no-audit --no-fund --prefer-offline --foreground-scripts "$tarball"

pkg="$project/node_modules/nexus-runtime"
if [ "$from_source" = 1 ]; then
  addon="$pkg/build/Release/nexus.node"
  [ -f "$addon" ] || { echo "FAILED: no addon was built from sources"; exit 1; }
else
  if [ -e "$pkg/build" ]; then
    echo "FAILED: the install compiled something ($pkg/build exists)"; exit 1
  fi
  addon="$pkg/prebuilds/$(PATH="$bin" node -p 'process.platform + "-" + process.arch')/nexus.node"
fi
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
