// test-fixtures/worker-threads.js - run as a child process by
// shutdown.test.js: NexusRuntime inside worker threads that exit (or are
// terminated) with executions in flight, then in the main thread.
'use strict';

const { Worker, isMainThread, parentPort } = require('node:worker_threads');

if (isMainThread) {
  (async () => {
    const out = [];
    for (let k = 0; k < 6; k++) {
      const worker = new Worker(__filename);
      const value = await new Promise((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      if (k % 2) await worker.terminate();
      else await new Promise((resolve) => worker.once('exit', resolve));
      out.push(value);
    }
    const { NexusRuntime } = require('..');
    const rt = new NexusRuntime();
    out.push((await rt.executeHandler('return 7')).returnValue);
    await rt.shutdown();
    process.stdout.write(out.join(',') + '\n');
  })();
} else {
  const { NexusRuntime } = require('..');
  const rt = new NexusRuntime({ prewarmInstances: 0 });
  rt.executeHandler('return 41 + 1').then((r) => {
    parentPort.postMessage(r.returnValue);
    for (let i = 0; i < 200; i++) {
      rt.executeHandler('let s = 0; for (let k = 0; k < 20000; k++) s += k; return s').catch(() => {});
    }
    setTimeout(() => process.exit(0), 5); // leave with executions queued and running
  });
}
