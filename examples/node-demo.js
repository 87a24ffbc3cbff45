// examples/node-demo.js - the counter example and a handler awaiting an
// extension served by JavaScript, through the Node package.
// Run from the repository root after `make node` (or `make demo`):
//   node examples/node-demo.js
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { NexusRuntime } = require('../node');

async function main() {
  const rt = new NexusRuntime({ maxInstances: 4 });
  try {
    const counter = fs.readFileSync(path.join(__dirname, 'counter.js'), 'utf8');
    const r = await rt.executeHandler(counter, {
      state: { count: 41 },
      args: { step: 1 },
      capabilities: ['state:read:count', 'state:write:count', 'events:emit:*'],
    });
    console.log('counter:', r.status, r.returnValue, JSON.stringify(r.stateMutations), JSON.stringify(r.events));

    rt.registerExtension('http', ['get'], async (method, [url]) => ({ status: 200, url }));
    const fetched = await rt.executeHandler(
      "if (!('http' in $ext)) return 'no http'; const res = await $ext.http.get('https://example.com'); return res.status;",
      { capabilities: ['ext:http'] });
    console.log('extension:', fetched.status, fetched.returnValue);
    if (r.returnValue !== 42 || fetched.returnValue !== 200) process.exitCode = 1;
  } finally {
    await rt.shutdown();
  }
}

main().catch((e) => { console.error(e); process.exitCode = 1; });
