#!/usr/bin/env bash
# Installs the Debian packages Nexus builds and tests with. Idempotent: does
# nothing when every package is already installed. Versions are Debian 12's.
set -euo pipefail

packages=(
  clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32 libclang-rt-14-dev
  wabt binaryen make gcc pkg-config patch
  libmsgpack-dev libjansson-dev libssl-dev libcmocka-dev uthash-dev libzstd-dev libhiredis-dev
  redis-server
  valgrind
)

missing=()
for p in "${packages[@]}"; do
  [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || missing+=("$p")
done
# Node.js and npm: the machine's own (NodeSource) when present, else Debian's.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  missing+=(nodejs npm libnode-dev)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
