// lib/load.js - finds and loads the native addon the way prebuilt addons
// are found in the ecosystem: a build made here (build/Release, from
// sources) first, then prebuilds/<platform>-<arch>/nexus.node from the
// tarball. The platform key is Node's own (process.platform, process.arch).
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const pkgDir = path.resolve(__dirname, '..');

function candidates(prebuiltOnly) {
  const prebuilt = path.join(pkgDir, 'prebuilds', `${process.platform}-${process.arch}`, 'nexus.node');
  if (prebuiltOnly) return [prebuilt];
  return [
    path.join(pkgDir, 'build', 'Release', 'nexus.node'),
    path.join(pkgDir, 'build', 'Debug', 'nexus.node'),
    prebuilt,
  ];
}

function findAddon({ prebuiltOnly = false } = {}) {
  return candidates(prebuiltOnly).find((file) => fs.existsSync(file)) || null;
}

function loadAddon() {
  let firstError;
  for (const file of candidates(false)) {
    if (!fs.existsSync(file)) continue;
    try {
      return require(file);
    } catch (e) {
      firstError = firstError || e;
    }
  }
  const e = new Error('nexus-runtime: no native addon loads here ' +
    `(looked for build/Release/nexus.node and prebuilds/${process.platform}-${process.arch}/nexus.node; ` +
    'run `NEXUS_BUILD_FROM_SOURCE=1 npm rebuild nexus-runtime` to build it from sources)' +
    (firstError ? `: ${firstError.message}` : ''));
  e.code = 'INTERNAL_ERROR';
  throw e;
}

module.exports = { findAddon, loadAddon };
