#!/usr/bin/env bash
# Fetches QuickJS 2021-03-27 as carried by the npm package qjsc@0.3.0, checks
# the tarball against the integrity hash pinned below, extracts the engine
# sources into $1 (default build/quickjs) and applies our patches in the
# order patches/series lists them (docs/architecture.md says what each
# changes and why); a patch not in the list is an error, not skipped. npm
# pack runs no install scripts.
set -euo pipefail

PACKAGE="qjsc@0.3.0"
INTEGRITY="sha512-a7+cU6/IVcZbIejffdt/wZVMX6LL2MDL3HQ9Zb5Gm23G9DvBMS/z9GHFxz39bAvp2PvMOM+ypSOAyokt2DdZ2w=="
SUBDIR="package/deps/quickjs_2021_03_27"

dest="${1:-build/quickjs}"
patches_dir="$(cd "$(dirname "$0")/.." && pwd)/patches"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cache="${NEXUS_DOWNLOAD_CACHE:-build/downloads}"
mkdir -p "$cache"
tarball="$cache/qjsc-0.3.0.tgz"
if [ ! -f "$tarball" ]; then
  (cd "$work" && npm pack "$PACKAGE" --silent >/dev/null)
  mv "$work/qjsc-0.3.0.tgz" "$tarball"
fi

actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [ "$actual" != "$INTEGRITY" ]; then
  echo "fetch-quickjs: integrity mismatch for $tarball" >&2
  echo "  expected $INTEGRITY" >&2
  echo "  actual   $actual" >&2
  rm -f "$tarball"
  exit 1
fi

tar -xzf "$tarball" -C "$work" "$SUBDIR"
listed=$(grep -v '^#' "$patches_dir/series" | sed '/^$/d')
for p in "$patches_dir"/*.patch; do
  if ! grep -qxF "$(basename "$p")" <<< "$listed"; then
    echo "fetch-quickjs: $(basename "$p") is not listed in patches/series" >&2
    exit 1
  fi
done
for name in $listed; do
  patch -s -p1 --no-backup-if-mismatch -d "$work/$SUBDIR" < "$patches_dir/$name"
done
rm -rf "$dest"
mkdir -p "$(dirname "$dest")"
mv "$work/$SUBDIR" "$dest"
touch "$dest/.verified"
echo "fetch-quickjs: QuickJS $(cat "$dest/VERSION") in $dest"
