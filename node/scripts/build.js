#!/usr/bin/env node
// scripts/build.js - the package's install step: makes sure the Nexus C
// library is built (`make -C <repo> build/libnexus.a`), then compiles the
// addon with the node-gyp bundled with npm, against the headers of the
// running node (--nodedir), so no download from nodejs.org is needed.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const pkgDir = path.resolve(__dirname, '..');
const repoDir = path.resolve(pkgDir, '..');

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

// 1. The C library.
function buildLibrary() {
  if (!fs.existsSync(path.join(repoDir, 'include', 'nexus.h')) ||
      !fs.existsSync(path.join(repoDir, 'Makefile'))) {
    fail(`cannot find the Nexus sources in ${repoDir} (expected include/nexus.h and a Makefile): ` +
         'this package builds inside the Nexus repository, as its node/ directory.');
  }
  const r = run('make', ['-C', repoDir, 'build/libnexus.a'], { cwd: repoDir });
  if (!r.ok) {
    fail(`building the C library failed (make -C ${repoDir} build/libnexus.a: ${r.why}).\n` +
         'Fix the error above (on a fresh machine run `make deps` in the repository first), ' +
         'then run `npm install` again.');
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
  const r = gyp ? run(process.execPath, [gyp, ...args], { cwd: pkgDir })
                : run('node-gyp', args, { cwd: pkgDir, shell: process.platform === 'win32' });
  if (!r.ok) {
    fail(`building the addon failed (node-gyp ${args.join(' ')}: ${r.why}).` +
         (gyp ? '' : ' node-gyp was not found next to npm; install it (npm i -g node-gyp) or set npm_config_node_gyp.'));
  }
  const out = path.join(pkgDir, 'build', 'Release', 'nexus.node');
  if (!fs.existsSync(out)) fail(`node-gyp finished but ${out} is missing`);
}

buildLibrary();
buildAddon();
