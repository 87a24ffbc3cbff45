// test-fixtures/collect-in-flight.js - run as a child process (with
// --expose-gc) by shutdown.test.js: drives the addon directly, dropping
// every reference to runtime objects while their works are queued, forcing
// garbage collection, then (argv[2] === 'exit') calling process.exit while
// executions still run. The parent checks that all of it ends cleanly.
'use strict';

const path = require('node:path');
const { encode: encodeView, decode } = require('../lib/values.js');
const encode = (v) => Buffer.from(encodeView(v, 'args'));
const native = require(path.join(__dirname, '..', 'build', 'Release', 'nexus.node'));

const mode = process.argv[2];
let collected = 0;
const registry = new FinalizationRegistry(() => { collected++; });

const finished = []; // per runtime: settled works

function start(n, source) {
  const r = finished.push(0) - 1;
  let rt = native.createRuntime({ maxInstances: 8, prewarmInstances: 1 });
  registry.register(rt, null);
  const promises = [];
  for (let i = 0; i < n; i++) {
    const p = native.execute(rt, source, null, null, null, encode({ i }), null, [], null, false);
    p.then(() => { finished[r]++; }, () => { finished[r]++; });
    promises.push(p);
  }
  rt = null; // only the works reference the runtime object now
  return promises;
}

(async () => {
  if (mode === 'exit') {
    start(100, 'let s = 0; for (let k = 0; k < 50000; k++) s += k; return s');
    setTimeout(() => process.exit(0), 20); // works still queued and running
    return;
  }
  const promises = [];
  // ~1 ms each: most are still queued during the collections below
  const source = 'let s = 0; for (let k = 0; k < 20000; k++) s += k; return $args.i * 2';
  for (let r = 0; r < 5; r++) promises.push(...start(100, source));
  for (let k = 0; k < 3; k++) {
    global.gc();
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  // works in flight hold their runtime objects: only runtimes whose works
  // all finished may have been collected by now
  const idle = finished.filter((n) => n === 100).length;
  if (collected > idle) throw new Error(`${collected} runtimes collected, only ${idle} idle`);
  const someBusy = idle < 5;
  const buffers = await Promise.all(promises);
  if (buffers.length !== 500 || !buffers.every(Buffer.isBuffer)) throw new Error('bad results');

  buffers.forEach((b, i) => {
    const r = decode(b);
    if (r.status !== 'success' || r.returnValue !== (i % 100) * 2) throw new Error(`bad result ${i}`);
  });
  for (let k = 0; k < 10 && collected < 5; k++) {
    global.gc(); // now the finalizers free the runtimes
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  process.stdout.write(`ok busy-during-gc=${someBusy} collected=${collected}\n`);
})();
