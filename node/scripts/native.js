#!/usr/bin/env node
// scripts/native.js - where the addon's C comes from, for binding.gyp and
// the build, pack and install scripts: the Nexus library's sources (globbed,
// never listed), the translated guest, the headers, and the third-party
// libraries linked statically. Run as `node scripts/native.js WHAT` it
// prints what gyp's command expansion needs.
//
// Two layouts:
//  - inside the Nexus repository (this package is its node/ directory):
//    sources from the repository, the guest object `make` built;
//  - an installed tarball: the copy under native/ made by scripts/prepack.js
//    (library sources, the translated guest C, the headers it needs).
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const pkgDir = path.resolve(__dirname, '..');

// The C libraries the Nexus library uses, linked statically so that the
// addon needs nothing beyond the C runtime at run time. Add one here (its
// archive name and the Debian package that ships the archive and headers)
// and every build and the README's list follow.
const STATIC_LIBS = [
  { lib: 'msgpackc', deb: 'libmsgpack-dev' },
  { lib: 'jansson', deb: 'libjansson-dev' },
  { lib: 'crypto', deb: 'libssl-dev' },
  { lib: 'zstd', deb: 'libzstd-dev' },
  { lib: 'hiredis', deb: 'libhiredis-dev' },
];
// Header-only dependencies (no archive).
const HEADER_DEPS = [{ header: 'uthash.h', deb: 'uthash-dev' }];

// The repository when this package sits in it as node/, else null.
function repoRoot() {
  const up = path.resolve(pkgDir, '..');
  const inRepo = path.basename(pkgDir) === 'node' &&
    fs.existsSync(path.join(up, 'include', 'nexus.h')) &&
    fs.existsSync(path.join(up, 'src')) && fs.existsSync(path.join(up, 'Makefile'));
  return inRepo ? up : null;
}

// Where the library's sources are: { root, guestC, guestObject }. The
// addon always links the plain guest (no Segue, NX_SEGUE unset): whether
// Segue pays off depends on the CPU (docs/performance.md), and a prebuilt
// addon runs on CPUs the build machine's probe never saw.
function layout() {
  const repo = repoRoot();
  if (repo) {
    const obj = path.join(repo, 'build', 'guest', 'guest_w2c_plain.o');
    return {
      root: repo,
      guestDir: path.join(repo, 'build', 'guest'),
      guestObject: fs.existsSync(obj) ? obj : null,
    };
  }
  const root = path.join(pkgDir, 'native');
  return { root, guestDir: path.join(root, 'build', 'guest'), guestObject: null };
}

function walk(dir, out) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(p, out);
    else if (entry.name.endsWith('.c')) out.push(p);
  }
  return out;
}

// gyp wants paths relative to binding.gyp (the package directory).
const rel = (p) => path.relative(pkgDir, p).split(path.sep).join('/');

function librarySources() {
  return walk(path.join(layout().root, 'src'), []).map(rel);
}

function includeDirs() {
  const { root, guestDir } = layout();
  return [path.join(root, 'include'), path.join(root, 'src'), path.join(root, 'guest'), guestDir].map(rel);
}

// The archive of lib as the C compiler finds it; null if it does not.
function archive(lib) {
  const cc = process.env.CC || 'cc';
  const r = spawnSync(cc, [`-print-file-name=lib${lib}.a`], { encoding: 'utf8' });
  const file = r.status === 0 ? r.stdout.trim() : '';
  return file && path.isAbsolute(file) && fs.existsSync(file) ? file : null;
}

function staticLibs() {
  const missing = STATIC_LIBS.filter((d) => !archive(d.lib));
  if (missing.length) {
    process.stderr.write(`nexus-runtime: static archives missing: ${missing.map((d) => `lib${d.lib}.a`).join(', ')}; ` +
      `install ${missing.map((d) => d.deb).join(' ')} (Debian/Ubuntu names)\n`);
    process.exit(1);
  }
  return STATIC_LIBS.map((d) => archive(d.lib));
}

function debPackages() {
  return [...STATIC_LIBS.map((d) => d.deb), ...HEADER_DEPS.map((d) => d.deb)];
}

module.exports = { STATIC_LIBS, HEADER_DEPS, layout, repoRoot, librarySources, debPackages, pkgDir };

if (require.main === module) {
  const what = process.argv[2];
  const { guestDir, guestObject } = layout();
  const print = (list) => process.stdout.write(list.join('\n') + '\n');
  switch (what) {
    case 'sources': print(librarySources()); break;
    case 'includes': print(includeDirs()); break;
    case 'libs': print(staticLibs()); break;
    // the guest: linked as the object `make` built, or compiled from its C
    case 'guest-type': print([guestObject ? 'none' : 'static_library']); break;
    case 'guest-sources': print(guestObject ? [] : [rel(path.join(guestDir, 'guest_w2c_plain.c'))]); break;
    case 'guest-object': print(guestObject ? [guestObject] : []); break;
    case 'deb': print(debPackages()); break;
    default:
      process.stderr.write('usage: native.js sources|includes|libs|guest-type|guest-sources|guest-object|deb\n');
      process.exit(2);
  }
}
