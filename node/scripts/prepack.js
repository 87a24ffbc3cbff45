#!/usr/bin/env node
// scripts/prepack.js - run by `npm pack` (and `make node-pack`) inside the
// repository: puts into the package what a tarball needs to install
// anywhere, none of it committed to git:
//  - prebuilds/<platform>-<arch>/nexus.node, the addon built here (debug
//    information stripped), loaded as is where it fits;
//  - native/: the sources to build it where it does not: the library's
//    src/, include/nexus.h, the guest's headers, the translated guest C
//    (build/guest/guest_w2c_plain.c, guest_w2c.h, guest_id.h) and wasm2c's wasm-rt.h, so
//    that no WebAssembly toolchain, QuickJS download or repository is needed.
// Outside the repository (an unpacked tarball packed again) it keeps what
// is there.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const native = require('./native.js');

const pkgDir = native.pkgDir;
const repo = native.repoRoot();

function fail(message) {
  process.stderr.write(`\nnexus-runtime prepack: ${message}\n\n`);
  process.exit(1);
}

function copy(from, to) {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to);
}

function copyTree(from, to, keep) {
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    const dst = path.join(to, entry.name);
    if (entry.isDirectory()) copyTree(src, dst, keep);
    else if (keep(entry.name)) copy(src, dst);
  }
}

// wasm-rt.h as the C compiler finds it (wabt's, used by the generated C).
function wasmRtHeader() {
  const cc = process.env.CC || 'cc';
  const r = spawnSync(cc, ['-M', '-x', 'c', '-'], { input: '#include <wasm-rt.h>\n', encoding: 'utf8' });
  const file = r.status === 0 && r.stdout.split(/\s+/).find((f) => f.endsWith('/wasm-rt.h'));
  if (!file) fail('wasm-rt.h not found (install wabt)');
  return file;
}

function stageSources() {
  const out = path.join(pkgDir, 'native');
  fs.rmSync(out, { recursive: true, force: true });
  const isSource = (name) => name.endsWith('.c') || name.endsWith('.h');
  copyTree(path.join(repo, 'src'), path.join(out, 'src'), isSource);
  copyTree(path.join(repo, 'include'), path.join(out, 'include'), (n) => n.endsWith('.h'));
  for (const name of fs.readdirSync(path.join(repo, 'guest'))) {
    if (name.endsWith('.h')) copy(path.join(repo, 'guest', name), path.join(out, 'guest', name));
  }
  const guest = path.join(repo, 'build', 'guest');
  for (const name of ['guest_w2c_plain.c', 'guest_w2c.h', 'guest_id.h']) {
    if (!fs.existsSync(path.join(guest, name))) fail(`${path.join(guest, name)} is missing: run make first`);
    copy(path.join(guest, name), path.join(out, 'build', 'guest', name));
  }
  copy(wasmRtHeader(), path.join(out, 'build', 'guest', 'wasm-rt.h'));
}

function stagePrebuilt() {
  const built = path.join(pkgDir, 'build', 'Release', 'nexus.node');
  if (!fs.existsSync(built)) {
    const r = spawnSync(process.execPath, [path.join(__dirname, 'build.js')], { stdio: 'inherit' });
    if (r.status !== 0) fail('building the addon failed');
  }
  const dir = path.join(pkgDir, 'prebuilds', `${process.platform}-${process.arch}`);
  fs.rmSync(path.join(pkgDir, 'prebuilds'), { recursive: true, force: true });
  const out = path.join(dir, 'nexus.node');
  copy(built, out);
  // debug information is most of the file; a failing strip keeps it
  spawnSync('strip', ['--strip-debug', out], { stdio: 'inherit' });
}

if (!repo) {
  if (!fs.existsSync(path.join(pkgDir, 'native'))) fail('not inside the Nexus repository and no native/ to pack');
  process.exit(0);
}
stageSources();
stagePrebuilt();
