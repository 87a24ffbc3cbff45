// compile.test.js - precompileHandler + executeCompiledHandler: results,
// COMPILATION_ERROR rejections with a location, handles bound to their
// runtime, one handle used by many concurrent executions.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { NexusRuntime, CompiledHandler } = require('..');

const COUNTER = fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'counter.js'), 'utf8');
const CAPS = ['state:read:count', 'state:write:count', 'events:emit:*'];

let rt;
before(() => { rt = new NexusRuntime(); });
after(() => rt.shutdown());

test('a precompiled handler runs like its source', async () => {
  const handle = await rt.precompileHandler(COUNTER);
  assert.ok(handle instanceof CompiledHandler);
  assert.match(handle.id, /^[0-9a-f]{16,}$/);
  const r = await rt.executeCompiledHandler(handle, { state: { count: 41 }, args: { step: 1 }, capabilities: CAPS });
  assert.equal(r.status, 'success', JSON.stringify(r.error));
  assert.equal(r.returnValue, 42);
  assert.deepEqual(r.stateMutations, [{ key: 'count', op: 'set', value: 42 }]);
  assert.equal(r.events.length, 1);
  assert.equal(r.metrics.compileUs, 0);

  const denied = await rt.executeCompiledHandler(handle, { state: { count: 1 }, capabilities: ['state:read:count'] });
  assert.equal(denied.status, 'error');
  assert.equal(denied.error.code, 'PERMISSION_DENIED');
});

test('the same handle serves many concurrent executions', async () => {
  const handle = await rt.precompileHandler(COUNTER);
  const results = await Promise.all(Array.from({ length: 500 }, (_, i) => rt.executeCompiledHandler(
    handle, { state: { count: i }, args: { step: 2 }, capabilities: CAPS })));
  results.forEach((r, i) => assert.equal(r.returnValue, i + 2));
});

test('a precompiled handler awaiting a JS-served extension', async () => {
  rt.registerExtension('kv', ['get'], async (method, [key]) => `value of ${key}`);
  const handle = await rt.precompileHandler("return await $ext.kv.get('k')");
  const r = await rt.executeCompiledHandler(handle, { capabilities: ['ext:kv'] });
  assert.equal(r.returnValue, 'value of k');
  assert.ok(r.metrics.suspensions >= 1);
});

test('a syntax error rejects with COMPILATION_ERROR, line and column', async () => {
  await assert.rejects(rt.precompileHandler('const a = 1;\nconst b = ;\nreturn a;'), (e) => {
    assert.equal(e.code, 'COMPILATION_ERROR');
    assert.match(e.message, /SyntaxError/);
    assert.equal(e.line, 2);
    assert.equal(typeof e.column, 'number');
    assert.ok(e.column >= 1);
    assert.equal(e.result.status, 'error');
    assert.equal(e.result.error.code, 'COMPILATION_ERROR');
    assert.equal(e.result.error.line, 2);
    return true;
  });
});

test('a handle works only with the runtime that compiled it', async () => {
  const other = new NexusRuntime({ prewarmInstances: 0 });
  try {
    const handle = await other.precompileHandler('return 1');
    await assert.rejects(rt.executeCompiledHandler(handle, {}), (e) => e.code === 'INVALID_HANDLER');
    const r = await other.executeCompiledHandler(handle, {});
    assert.equal(r.returnValue, 1);
  } finally {
    await other.shutdown();
  }
});

test('after shutdown a handle is refused with a code', async () => {
  const other = new NexusRuntime({ prewarmInstances: 0 });
  const handle = await other.precompileHandler('return 1');
  await other.shutdown();
  await assert.rejects(other.executeCompiledHandler(handle, {}), (e) => e.code === 'SHUT_DOWN');
  await assert.rejects(other.precompileHandler('return 2'), (e) => e.code === 'SHUT_DOWN');
});
