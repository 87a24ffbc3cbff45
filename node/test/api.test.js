// api.test.js - the C API's features from Node: per-execution limits in
// the context, $host interfaces served by JavaScript (values, errors,
// onError, capability and name checks, promises refused), interceptors,
// record and replay (with JS-served and caller-answered extensions), and
// feature detection of extensions inside handlers.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { NexusRuntime } = require('..');

let rt;
const errors = [];
before(() => {
  rt = new NexusRuntime({ maxInstances: 8 });
  rt.registerInterface('acme:billing/quota', {
    check: (args) => ({ account: args.account, remaining: 10 - args.account }),
    nothing: () => undefined,
    fail: () => { throw new Error('over quota'); },
    later: () => Promise.resolve(1),
  }, { onError: (iface, fn, message) => errors.push([iface, fn, message]) });
  rt.registerExtension('http', ['get', 'post'], async (method, [url]) => ({ method, url }));
  rt.registerExtension('db', ['get'], null);
});
after(() => rt.shutdown());

test('per-execution limits in the context', async () => {
  const loop = await rt.executeHandler('for (;;) {}', { limits: { timeoutMs: 50 } });
  assert.equal(loop.error.code, 'TIMEOUT');
  const calls = await rt.executeHandler('for (let i = 0; i < 10; i++) $state.get("a"); return 1',
    { capabilities: ['state:read:*'], limits: { maxHostCalls: 5 } });
  assert.equal(calls.error.code, 'RESOURCE_LIMIT');
  const events = await rt.executeHandler('$emit("a"); $emit("b"); return 1',
    { capabilities: ['events:emit:*'], limits: { maxEvents: 1 } });
  assert.equal(events.error.code, 'RESOURCE_LIMIT');
  const memory = await rt.executeHandler('const a = []; for (;;) a.push(new Array(100000).fill(1));',
    { limits: { memoryLimitMb: 8, timeoutMs: 5000 } });
  assert.equal(memory.error.code, 'MEMORY_LIMIT');
  const fine = await rt.executeHandler('return 1', { limits: { maxHostCalls: 5 } });
  assert.equal(fine.returnValue, 1);
  await assert.rejects(rt.executeHandler('return 1', { limits: { maxEventz: 1 } }), (e) => e.code === 'INVALID_ARGUMENT');
  await assert.rejects(rt.executeHandler('return 1', { limits: { timeoutMs: -1 } }), (e) => e.code === 'INVALID_ARGUMENT');
});

test('an instruction budget: deterministic counts, uncatchable, summed over segments', async () => {
  // Only the budget can end this loop: its time limit is a minute.
  const loop = await rt.executeHandler('try { for (;;) {} } catch (e) { return "caught" }',
    { limits: { maxInstructions: 100000, timeoutMs: 60000 } });
  assert.equal(loop.error.code, 'RESOURCE_LIMIT');
  assert.match(loop.error.message, /budget of 100000 instructions/);
  assert.ok(loop.metrics.instructions >= 100000, String(loop.metrics.instructions));
  assert.ok(loop.metrics.guestCpuUs > 0);

  const work = 'let s = 0; for (let i = 0; i < 1000; i++) s += i; return s';
  const a = await rt.executeHandler(work);
  const b = await rt.executeHandler(work);
  assert.equal(a.returnValue, 499500);
  assert.ok(a.metrics.instructions > 1000);
  assert.equal(a.metrics.instructions, b.metrics.instructions);
  const tight = await rt.executeHandler(work, { limits: { maxInstructions: a.metrics.instructions - 1 } });
  assert.equal(tight.error.code, 'RESOURCE_LIMIT');
  const exact = await rt.executeHandler(work, { limits: { maxInstructions: a.metrics.instructions } });
  assert.equal(exact.returnValue, 499500);

  // The runtime's default applies to each execution, and the budget spans the
  // segments of one that awaits an extension.
  const budgeted = new NexusRuntime({ maxInstructions: 200000 });
  try {
    budgeted.registerExtension('http', ['get'], async () => 1);
    const spin = 'let n = 0; for (let i = 0; i < 3000; i++) n++; await $ext.http.get("x"); ' +
      'for (let i = 0; i < 3000; i++) n++; return n';
    const r = await budgeted.executeHandler(spin, { capabilities: ['ext:http'] });
    assert.equal(r.status, 'success', JSON.stringify(r.error));
    const perHalf = r.metrics.instructions / 2;
    const over = await budgeted.executeHandler(spin,
      { capabilities: ['ext:http'], limits: { maxInstructions: Math.ceil(perHalf * 1.5) } });
    assert.equal(over.error.code, 'RESOURCE_LIMIT');
    assert.equal(over.metrics.suspensions, 1);
    const forever = await budgeted.executeHandler('for (;;) {}', { limits: { timeoutMs: 60000 } });
    assert.equal(forever.error.code, 'RESOURCE_LIMIT');
  } finally {
    await budgeted.shutdown();
  }
  await assert.rejects(rt.executeHandler('return 1', { limits: { maxInstructions: 1.5 } }), (e) => e.code === 'INVALID_ARGUMENT');
});

test('$host interfaces served by JavaScript: values, undefined, errors with onError', async () => {
  errors.length = 0;
  const r = await rt.executeHandler(
    'const q = $host["acme:billing/quota"];\n' +
    'const out = [q.check({ account: 7 }), q.nothing()];\n' +
    'for (const f of ["fail", "later"]) { try { q[f](); out.push("no throw"); } catch (e) { out.push(e.code + ": " + e.message); } }\n' +
    'return out;', { capabilities: ['host:acme:billing/quota'] });
  assert.equal(r.status, 'success', JSON.stringify(r.error));
  assert.deepEqual(r.returnValue[0], { account: 7, remaining: 3 });
  assert.equal(r.returnValue[1], null);
  assert.match(r.returnValue[2], /^EXECUTION_ERROR: .*over quota/);
  assert.match(r.returnValue[3], /^EXECUTION_ERROR: .*synchronous/);
  assert.deepEqual(errors.map((e) => e.slice(0, 2)), [['acme:billing/quota', 'fail'], ['acme:billing/quota', 'later']]);
});

test('$host: the capability is checked by the library, names are checked at registration', async () => {
  const denied = await rt.executeHandler('return $host["acme:billing/quota"].check({ account: 1 })');
  assert.equal(denied.error.code, 'PERMISSION_DENIED');
  const wildcard = await rt.executeHandler('return $host["acme:billing/quota"].check({ account: 1 }).remaining',
    { capabilities: ['host:*'] });
  assert.equal(wildcard.returnValue, 9);
  assert.throws(() => rt.registerInterface('no-namespace', { f() {} }), (e) => e.code === 'INVALID_ARGUMENT');
  assert.throws(() => rt.registerInterface('a:b/c', { f: 1 }), (e) => e.code === 'INVALID_ARGUMENT');
});

test('$host: many concurrent executions calling JS host functions', async () => {
  const results = await Promise.all(Array.from({ length: 100 }, (_, i) => rt.executeHandler(
    'return $host["acme:billing/quota"].check({ account: $args.i }).remaining',
    { args: { i }, capabilities: ['host:acme:billing/quota'] })));
  results.forEach((r, i) => assert.equal(r.returnValue, 10 - i, JSON.stringify(r.error)));
});

test('interceptors see every host call, in order, before the promise settles', async () => {
  const seen = [];
  const id = rt.addInterceptor({
    before: (c) => seen.push(['before', c.interface, c.function, c.input]),
    after: (c) => seen.push(['after', c.interface, c.function, c.output, c.code]),
  });
  const r = await rt.executeHandler('$state.count = ($state.count ?? 0) + 1; $emit("changed", 1); return 1',
    { state: { count: 41 }, capabilities: ['state:read:count', 'state:write:count', 'events:emit:*'] });
  assert.equal(r.returnValue, 1);
  const nexus = seen.filter((s) => s[1] === 'nexus:state' || s[1] === 'nexus:events');
  assert.ok(seen.some((s) => s[1] === 'nexus:random'), 'the per-execution seed is a host call too');
  assert.deepEqual(nexus, [
    ['before', 'nexus:state', 'get', ['count']],
    ['after', 'nexus:state', 'get', 41, 'OK'],
    ['before', 'nexus:state', 'set', ['count', 42]],
    ['after', 'nexus:state', 'set', null, 'OK'],
    ['before', 'nexus:events', 'emit', ['changed', 1]],
    ['after', 'nexus:events', 'emit', null, 'OK'],
  ]);
  rt.removeInterceptor(id);
  seen.length = 0;
  await rt.executeHandler('$emit("x"); return 1', { capabilities: ['events:emit:*'] });
  assert.deepEqual(seen, [], 'removed');
  assert.throws(() => rt.removeInterceptor(id), (e) => e.code === 'INVALID_ARGUMENT');
});

test('record and replay: the same result, metrics aside, across JS-served and caller-answered calls', async () => {
  const source = 'const a = await $ext.http.get("u");\nconst b = await $ext.db.get("k");\n' +
    '$state.r = Math.random(); $log.info("t", Date.now());\nreturn [a.url, b, $state.r];';
  const context = { capabilities: ['ext:http', 'ext:db', 'state:write:r', 'state:read:r'] };
  const first = await rt.executeHandler(source, context, { record: true });
  assert.equal(first.status, 'suspended');
  assert.equal(first.recording, null, 'the recording is complete only at the end');
  const done = await rt.resumeHandler(first.pendingCalls[0].id, { success: true, value: 'B' });
  assert.equal(done.status, 'success', JSON.stringify(done.error));
  assert.ok(done.recording instanceof Uint8Array && done.recording.length > 0);

  const fresh = new NexusRuntime({ prewarmInstances: 1 }); // nothing registered: answers come from the log
  const again = await fresh.replay(done.recording);
  const strip = ({ metrics, recording, ...rest }) => rest;
  assert.deepEqual(strip(again), strip(done));
  await assert.rejects(fresh.replay(Buffer.from([1, 2, 3])), (e) => e.code === 'INVALID_ARGUMENT');
  await fresh.shutdown();

  const plain = await rt.executeHandler('return 1');
  assert.equal(plain.recording, undefined, 'only when asked');
});

test('feature detection of extensions inside a handler never throws', async () => {
  const r = await rt.executeHandler(
    'return ["http" in $ext, "nope" in $ext, typeof $ext.http, typeof $ext.nope, typeof $ext.http.get, typeof $ext.http.put,\n' +
    '  $ext.exists("http"), $ext.exists("nope"), $ext.methods("http"), $ext.methods("nope") ?? null, $ext.list().sort()]');
  assert.equal(r.status, 'success', JSON.stringify(r.error));
  assert.deepEqual(r.returnValue, [true, false, 'object', 'undefined', 'function', 'undefined',
    true, false, ['get', 'post'], null, ['db', 'http']]);
});
