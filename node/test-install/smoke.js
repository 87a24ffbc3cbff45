// test-install/smoke.js - run by run.sh in a fresh project where the
// packed nexus-runtime was installed: the counter example, a handler
// awaiting an extension served by JavaScript, a BigInt beyond 64 bits
// refused with SERIALIZATION_ERROR, and a suspended execution exported and
// imported by another runtime (zstd and HMAC inside the addon).
'use strict';
const assert = require('node:assert/strict');
const { NexusRuntime } = require('nexus-runtime');

const counter = `
const step = $args.step ?? 1;
const count = ($state.count ?? 0) + step;
$state.count = count;
$emit('counter:changed', { count });
return count;`;

async function main() {
  const rt = new NexusRuntime({ maxInstances: 4 });
  try {
    const r = await rt.executeHandler(counter, {
      state: { count: 41 }, args: { step: 1 },
      capabilities: ['state:read:count', 'state:write:count', 'events:emit:*'],
    });
    assert.equal(r.status, 'success', JSON.stringify(r.error));
    assert.equal(r.returnValue, 42);
    assert.deepEqual(r.stateMutations, [{ key: 'count', op: 'set', value: 42 }]);
    assert.deepEqual(r.events, [{ name: 'counter:changed', payload: { count: 42 } }]);

    rt.registerExtension('http', ['get'], async (method, args) => ({ status: 200, url: args[0] }));
    const e = await rt.executeHandler("const r = await $ext.http.get('https://example.com'); return [r.status, r.url]",
      { capabilities: ['ext:http'] });
    assert.equal(e.status, 'success', JSON.stringify(e.error));
    assert.deepEqual(e.returnValue, [200, 'https://example.com']);
    assert.equal(e.metrics.suspensions, 1);

    await assert.rejects(rt.executeHandler('return $args', { args: { big: 2n ** 70n } }),
      (err) => err.code === 'SERIALIZATION_ERROR' && /args\.big/.test(err.message));
    const key = 'a key of at least sixteen bytes';
    const [a, b] = [new NexusRuntime({ suspensionKey: key }), new NexusRuntime({ suspensionKey: key })];
    try {
      for (const x of [a, b]) x.registerExtension('db', ['get'], null);
      const s = await a.executeHandler("return (await $ext.db.get('k')) + 1", { capabilities: ['ext:db'] });
      const moved = await b.importSuspended(await a.exportSuspended(s.pendingCalls[0].id));
      const done = await b.resumeHandler(moved.pendingCalls[0].id, { success: true, value: 41 });
      assert.equal(done.returnValue, 42);
    } finally {
      await Promise.all([a.shutdown(), b.shutdown()]);
    }
    console.log('counter', r.returnValue, 'extension', e.returnValue[0], 'durable', 'ok');
  } finally {
    await rt.shutdown();
  }
}
main().catch((err) => { console.error(err); process.exit(1); });
