// extensions.test.js - $ext calls: answered by JS handlers (suspend, call,
// resume, loop), thrown errors, sequential awaits, Promise.all, manual
// resumeHandler when no JS handler is registered, mixed flows, effects
// combined across suspensions, unknown and reused suspension ids.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { NexusRuntime } = require('..');

let rt;
const calls = [];
before(() => {
  rt = new NexusRuntime();
  rt.registerExtension('http', ['get'], async (method, args) => {
    calls.push({ method, args });
    await new Promise((resolve) => setImmediate(resolve));
    return { status: 200, url: args[0] };
  });
  rt.registerExtension('math', ['add', 'slowAdd'], (method, args) => {
    if (method === 'slowAdd') {
      return new Promise((resolve) => setTimeout(() => resolve(args[0] + args[1]), 30));
    }
    return args[0] + args[1]; // a plain (non-promise) value is fine too
  });
  rt.registerExtension('fail', ['sync', 'async', 'weird', 'unserialisable'], async (method) => {
    if (method === 'sync') throw new Error('boom');
    if (method === 'async') return Promise.reject(new Error('async boom'));
    if (method === 'weird') throw 'a string'; // eslint-disable-line no-throw-literal
    return { fn() {} };
  });
  rt.registerExtension('db', ['get', 'put'], null); // answered by the caller
});
after(() => rt.shutdown());

test('a handler awaiting a JS-served extension gets its value', async () => {
  calls.length = 0;
  const r = await rt.executeHandler("const r = await $ext.http.get('u'); return r.status", { capabilities: ['ext:http'] });
  assert.equal(r.status, 'success', JSON.stringify(r.error));
  assert.equal(r.returnValue, 200);
  assert.ok(r.metrics.suspensions >= 1);
  assert.deepEqual(calls, [{ method: 'get', args: ['u'] }]);
  assert.deepEqual(r.pendingCalls, []);
});

test('without ext:http the call is denied', async () => {
  const r = await rt.executeHandler("return (await $ext.http.get('u')).status", { capabilities: [] });
  assert.equal(r.status, 'error');
  assert.equal(r.error.code, 'PERMISSION_DENIED');
});

test('an extension handler that throws makes the await throw', async () => {
  const uncaught = await rt.executeHandler('return await $ext.fail.sync()', { capabilities: ['ext:fail'] });
  assert.equal(uncaught.status, 'error');
  assert.equal(uncaught.error.code, 'EXECUTION_ERROR');
  assert.match(uncaught.error.message, /boom/);

  const caught = await rt.executeHandler(
    'const out = [];\n' +
    'for (const m of ["sync", "async", "weird", "unserialisable"]) {\n' +
    '  try { await $ext.fail[m](); out.push("no throw"); } catch (e) { out.push(e.message); }\n' +
    '}\nreturn out;', { capabilities: ['ext:fail'] });
  assert.equal(caught.status, 'success', JSON.stringify(caught.error));
  assert.equal(caught.returnValue[0], 'boom');
  assert.equal(caught.returnValue[1], 'async boom');
  assert.equal(caught.returnValue[2], 'a string');
  assert.match(caught.returnValue[3], /cannot be serialised/);
  assert.equal(caught.metrics.suspensions, 4);
});

test('two sequential awaits', async () => {
  const r = await rt.executeHandler(
    'const a = await $ext.math.add(1, 2);\nconst b = await $ext.math.slowAdd(a, 10);\nreturn [a, b];',
    { capabilities: ['ext:math'] });
  assert.equal(r.status, 'success', JSON.stringify(r.error));
  assert.deepEqual(r.returnValue, [3, 13]);
  assert.equal(r.metrics.suspensions, 2);
});

test('a Promise.all of two calls', async () => {
  calls.length = 0;
  const r = await rt.executeHandler(
    "const [a, b] = await Promise.all([$ext.math.slowAdd(1, 1), $ext.http.get('v')]);\nreturn [a, b.url];",
    { capabilities: ['ext:math', 'ext:http'] });
  assert.equal(r.status, 'success', JSON.stringify(r.error));
  assert.deepEqual(r.returnValue, [2, 'v']);
  assert.equal(calls.length, 1, 'each pending call is served once');
  assert.ok(r.metrics.suspensions >= 1);
});

test('effects before and after suspensions are combined into the final result', async () => {
  const r = await rt.executeHandler(
    "$state.a = 1; $emit('before', 1); $log.info('one');\n" +
    "const x = await $ext.math.add(1, 1);\n" +
    "$state.a = x; $state.b = 'b'; $emit('after', 2); $log.info('two');\n" +
    "await $ext.math.add(0, 0);\n" +
    "$view.focus('list');\nreturn x;",
    { capabilities: ['ext:math', 'state:write:*', 'events:emit:*', 'view:update:*'] });
  assert.equal(r.status, 'success', JSON.stringify(r.error));
  assert.deepEqual(r.stateMutations, [{ key: 'a', op: 'set', value: 2 }, { key: 'b', op: 'set', value: 'b' }]);
  assert.deepEqual(r.events.map((e) => e.name), ['before', 'after']);
  assert.equal(r.viewCommands.length, 1);
  assert.deepEqual(r.logs.map((l) => l.message), ['one', 'two']);
  assert.equal(r.metrics.suspensions, 2);
});

test('an error after a suspension keeps only the logs: the execution is all or nothing', async () => {
  const r = await rt.executeHandler(
    "$state.a = 1; $emit('before', 1); $log.info('one');\n" +
    "await $ext.math.add(1, 1);\nthrow new Error('late');",
    { capabilities: ['ext:math', 'state:write:*', 'events:emit:*'] });
  assert.equal(r.status, 'error');
  assert.equal(r.error.code, 'EXECUTION_ERROR');
  assert.match(r.error.message, /late/);
  assert.deepEqual(r.stateMutations, []);
  assert.deepEqual(r.events, []);
  assert.deepEqual(r.logs.map((l) => l.message), ['one']);
});

test('an extension registered with handler null suspends for the caller to resume', async () => {
  const r = await rt.executeHandler(
    "$state.loading = true;\nconst row = await $ext.db.get('k1');\nreturn row.value + 1;",
    { capabilities: ['ext:db', 'state:write:*'] });
  assert.equal(r.status, 'suspended');
  assert.equal(r.pendingCalls.length, 1);
  const [call] = r.pendingCalls;
  assert.equal(call.extension, 'db');
  assert.equal(call.method, 'get');
  assert.deepEqual(call.args, ['k1']);
  assert.equal(r.suspension.id, call.id);
  assert.deepEqual(r.stateMutations, [{ key: 'loading', op: 'set', value: true }]);

  const done = await rt.resumeHandler(call.id, { success: true, value: { value: 41 } });
  assert.equal(done.status, 'success', JSON.stringify(done.error));
  assert.equal(done.returnValue, 42);

  // the id is used up
  await assert.rejects(rt.resumeHandler(call.id, { success: true, value: 1 }),
    (e) => e.code === 'INVALID_ARGUMENT' && e.result && e.result.error.code === 'INVALID_ARGUMENT');
});

test('a manual resume with an error makes the await throw', async () => {
  const r = await rt.executeHandler(
    "try { await $ext.db.put('k', 1); return 'no'; } catch (e) { return 'caught: ' + e.message; }",
    { capabilities: ['ext:db'] });
  assert.equal(r.status, 'suspended');
  const done = await rt.resumeHandler(r.pendingCalls[0].id, { success: false, error: 'disk full' });
  assert.equal(done.returnValue, 'caught: disk full');
});

test('a manual Promise.all is resumed once per call', async () => {
  const r = await rt.executeHandler(
    "const [a, b] = await Promise.all([$ext.db.get('a'), $ext.db.get('b')]);\nreturn a + b;",
    { capabilities: ['ext:db'] });
  assert.equal(r.status, 'suspended');
  assert.equal(r.pendingCalls.length, 2);
  const byKey = Object.fromEntries(r.pendingCalls.map((c) => [c.args[0], c.id]));
  const mid = await rt.resumeHandler(byKey.b, { success: true, value: 20 });
  assert.equal(mid.status, 'suspended');
  assert.deepEqual(mid.pendingCalls.map((c) => c.id), [byKey.a]);
  const done = await rt.resumeHandler(byKey.a, { success: true, value: 1 });
  assert.equal(done.status, 'success', JSON.stringify(done.error));
  assert.equal(done.returnValue, 21);
});

test('a mix of JS-served and manual calls: the JS ones are served, the caller gets the rest', async () => {
  calls.length = 0;
  const r = await rt.executeHandler(
    "$state.before = 1;\nconst [a, b] = await Promise.all([$ext.db.get('a'), $ext.http.get('w')]);\n" +
    "$state.after = 2;\nconst c = await $ext.http.get('x');\nreturn [a, b.status, c.url];",
    { capabilities: ['ext:db', 'ext:http', 'state:write:*'] });
  assert.equal(r.status, 'suspended');
  assert.deepEqual(r.pendingCalls.map((c) => c.extension), ['db'], 'only the manual call is left');
  assert.equal(r.suspension.id, r.pendingCalls[0].id);
  assert.equal(calls.length, 1, 'the JS-served call ran');
  assert.deepEqual(r.stateMutations, [{ key: 'before', op: 'set', value: 1 }]);
  const done = await rt.resumeHandler(r.pendingCalls[0].id, { success: true, value: 'A' });
  assert.equal(done.status, 'success', JSON.stringify(done.error));
  assert.deepEqual(done.returnValue, ['A', 200, 'x']);
  assert.equal(calls.length, 2, 'each JS-served call ran once');
  assert.deepEqual(done.stateMutations, [{ key: 'after', op: 'set', value: 2 }], 'only what came after');
});

test('a handler racing two calls: the loser\'s answer is dropped, nothing hangs', async () => {
  const r = await rt.executeHandler(
    'return await Promise.race([$ext.math.slowAdd(1, 1), $ext.math.add(2, 2)]);',
    { capabilities: ['ext:math'] });
  assert.equal(r.status, 'success', JSON.stringify(r.error));
  assert.equal(r.returnValue, 4);
  assert.equal(rt.getStats().pendingSuspensions, 0);
});

test('cancelSuspension abandons a suspended execution', async () => {
  const r = await rt.executeHandler("await $ext.db.get('x'); return 1", { capabilities: ['ext:db'] });
  assert.equal(r.status, 'suspended');
  const id = r.pendingCalls[0].id;
  await rt.cancelSuspension(id);
  await assert.rejects(rt.resumeHandler(id, { success: true, value: 1 }), (e) => e.code === 'INVALID_ARGUMENT');
  assert.equal(rt.getStats().pendingSuspensions, 0);
});

test('an unknown suspension id rejects with INVALID_ARGUMENT', async () => {
  await assert.rejects(rt.resumeHandler('sx-0000000000000000-999', { success: true, value: 1 }), (e) => {
    assert.equal(e.code, 'INVALID_ARGUMENT');
    assert.match(e.message, /suspension/);
    assert.equal(e.result.status, 'error');
    return true;
  });
  await assert.rejects(rt.cancelSuspension('sx-nope'), (e) => e.code === 'INVALID_ARGUMENT');
});

test('registerExtension validates its arguments', () => {
  assert.throws(() => rt.registerExtension('', ['a'], null), (e) => e.code === 'INVALID_ARGUMENT');
  assert.throws(() => rt.registerExtension('x', 'a', null), (e) => e.code === 'INVALID_ARGUMENT');
  assert.throws(() => rt.registerExtension('x', ['a'], 42), (e) => e.code === 'INVALID_ARGUMENT');
});

test('many concurrent executions, each awaiting JS-served calls', async () => {
  const n = 300;
  const results = await Promise.all(Array.from({ length: n }, (_, i) => rt.executeHandler(
    'const a = await $ext.math.add($args.i, 1);\nconst [b, c] = await Promise.all([$ext.math.add(a, 1), $ext.math.add(a, 2)]);\nreturn b + c;',
    { args: { i }, capabilities: ['ext:math'] })));
  results.forEach((r, i) => {
    assert.equal(r.status, 'success', JSON.stringify(r.error));
    assert.equal(r.returnValue, 2 * i + 5);
  });
  assert.equal(rt.getStats().pendingSuspensions, 0);
});

test('an answer over maxValueBytes is refused and the suspension waits to be answered again', async () => {
  const limits = { maxValueBytes: 64 };
  const r = await rt.executeHandler("$state.k = 1;\nreturn await $ext.db.get('k')",
    { capabilities: ['ext:db', 'state:write:*'], limits });
  assert.equal(r.status, 'suspended');
  const id = r.pendingCalls[0].id;
  await assert.rejects(rt.resumeHandler(id, { success: true, value: 'x'.repeat(200) }),
    (e) => e.code === 'RESOURCE_LIMIT' && /value limit/.test(e.message));
  const done = await rt.resumeHandler(id, { success: true, value: 'small' });
  assert.equal(done.status, 'success', JSON.stringify(done.error));
  assert.equal(done.returnValue, 'small');
  assert.equal(rt.getStats().pendingSuspensions, 0);
});

test('a JS handler answer over maxValueBytes makes the await throw', async () => {
  const big = new NexusRuntime();
  big.registerExtension('big', ['get'], () => 'y'.repeat(500));
  try {
    const r = await big.executeHandler(
      "try { await $ext.big.get(); return 'no'; } catch (e) { return [e.message.startsWith('big.get returned'), /value limit/.test(e.message)]; }",
      { capabilities: ['ext:big'], limits: { maxValueBytes: 64 } });
    assert.equal(r.status, 'success', JSON.stringify(r.error));
    assert.deepEqual(r.returnValue, [true, true]);
    assert.equal(big.getStats().pendingSuspensions, 0);
  } finally {
    await big.shutdown();
  }
});
