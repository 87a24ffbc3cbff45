#!/usr/bin/env node
// scripts/install.js - the package's npm install step. A prebuilt addon for
// this platform and architecture (prebuilds/<platform>-<arch>/, carried by
// the tarball) that loads is used as is: nothing is compiled. Otherwise the
// addon is built from the sources the tarball carries (scripts/build.js).
// Inside the repository it does nothing: `make node` builds there.
// NEXUS_BUILD_FROM_SOURCE=1 skips the prebuilt.
'use strict';

const path = require('node:path');
const { spawnSync } = require('node:child_process');
const native = require('./native.js');
const { findAddon } = require('../lib/load.js');

if (native.repoRoot()) process.exit(0);

if (process.env.NEXUS_BUILD_FROM_SOURCE !== '1') {
  const prebuilt = findAddon({ prebuiltOnly: true });
  if (prebuilt) {
    // loaded in a child, so that a crash while loading cannot fail npm itself
    const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(prebuilt)})`], { stdio: 'pipe' });
    if (r.status === 0) process.exit(0);
    process.stderr.write(`nexus-runtime: the prebuilt addon does not load here ` +
                         `(${String(r.stderr).trim().split('\n').pop()}); building from sources\n`);
  }
}
const r = spawnSync(process.execPath, [path.join(__dirname, 'build.js')], { stdio: 'inherit' });
process.exit(r.status === null ? 1 : r.status);
