#!/usr/bin/env node
// scripts/build.js - builds the addon from sources: inside the repository
// (`make node`) after making sure the translated guest exists (`make -C
// <repo> guest`), or from the sources an installed tarball carries under
// native/ (scripts/install.js calls it when no prebuilt addon fits). It
// runs the node-gyp bundled with npm against the headers of the running
// node (--nodedir), so no download from nodejs.org is needed.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const pkgDir = path.resolve(__dirname, '..');

function fail(message) {
  process.stderr.write(`\nnexus-runtime: ${message}\n\n`);
  process.exit(1);
}

function run(cmd, args, options) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...options });
  if (r.error) return { ok: false, why: r.error.message };
  if (r.status !== 0) return { ok: false, why: r.signal ? `killed by ${r.signal}` : `exit code ${r.status}` };
  return { ok: true };
}

const native = require('./native.js');

// 1. The translated guest: inside the repository `make` produces it; a
// tarball carries its C.
function ensureGuest() {
  const repo = native.repoRoot();
  if (!repo) {
    const c = path.join(native.layout().guestDir, 'guest_w2c_plain.c');
    if (!fs.existsSync(c)) fail(`the package is incomplete: ${c} is missing`);
    return;
  }
  if (native.layout().guestObject) return;
  const r = run('make', ['-C', repo, 'SEGUE=0', 'guest'], { cwd: repo });
  if (!r.ok) {
    fail(`building the guest failed (make -C ${repo} SEGUE=0 guest: ${r.why}); ` +
         'on a fresh machine run `make deps` in the repository first.');
  }
}

// 2. node-gyp: npm's own copy first, so nothing is fetched.
function findNodeGyp() {
  const candidates = [];
  if (process.env.npm_config_node_gyp) candidates.push(process.env.npm_config_node_gyp);
  const npmDirs = [];
  if (process.env.npm_execpath) {
    // .../npm/bin/npm-cli.js -> .../npm
    npmDirs.push(path.resolve(path.dirname(process.env.npm_execpath), '..'));
  }
  const prefix = path.resolve(process.execPath, '..', '..');
  npmDirs.push(path.join(prefix, 'lib', 'node_modules', 'npm'));
  npmDirs.push(path.join(path.dirname(process.execPath), 'node_modules', 'npm')); // Windows layout
  for (const dir of npmDirs) {
    try {
      candidates.push(require.resolve('node-gyp/bin/node-gyp.js', { paths: [dir, path.join(dir, 'node_modules')] }));
    } catch { /* not there */ }
  }
  try {
    candidates.push(require.resolve('node-gyp/bin/node-gyp.js', { paths: [pkgDir] }));
  } catch { /* not a dependency */ }
  return candidates.find((c) => c && fs.existsSync(c) && c.endsWith('.js'));
}

// 3. Headers: the running node's installation prefix, when it has them.
function findNodeDir() {
  const candidates = [
    process.env.NEXUS_NODEDIR,
    path.resolve(process.execPath, '..', '..'),
    process.env.npm_config_nodedir,
  ];
  return candidates.find((dir) => dir && fs.existsSync(path.join(dir, 'include', 'node', 'node_api.h')));
}

function buildAddon() {
  const gyp = findNodeGyp();
  const nodeDir = findNodeDir();
  const args = ['rebuild'];
  if (nodeDir) {
    args.push(`--nodedir=${nodeDir}`);
  } else {
    process.stderr.write('nexus-runtime: no local node headers found (include/node/node_api.h); ' +
                         'node-gyp will try to download them.\n');
  }
  const r = gyp ? run(process.execPath, [gyp, ...args], { cwd: pkgDir, env: { ...process.env, JOBS: process.env.JOBS || 'max' } })
                : run('node-gyp', args, { cwd: pkgDir, shell: process.platform === 'win32' });
  if (!r.ok) {
    fail(`building the addon failed (node-gyp ${args.join(' ')}: ${r.why}).` +
         (gyp ? '' : ' node-gyp was not found next to npm; install it (npm i -g node-gyp) or set npm_config_node_gyp.') +
         `\nBuilding from sources needs a C compiler, make, Python 3 and: ${native.debPackages().join(' ')}.`);
  }
  const out = path.join(pkgDir, 'build', 'Release', 'nexus.node');
  if (!fs.existsSync(out)) fail(`node-gyp finished but ${out} is missing`);
}

ensureGuest();
buildAddon();
