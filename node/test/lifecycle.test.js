// lifecycle.test.js - every promise settles: extensions slower than
// suspensionTtlMs, slower than the deadline, never settling, throwing;
// AbortSignal; shutdown with executions running, waiting on JS extensions,
// suspended for the caller and waiting for admission; a suspension handed
// to the caller that outlives its deadline or its TTL; dispose.
// Time bounds: each case must end within its deadline plus SLACK, measured
// from the call (the only timed assertions, as the issue asks).
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { performance } = require('node:perf_hooks');
const { NexusRuntime } = require('..');

const SLACK = 100;
const never = () => new Promise(() => {});
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let rt;
const seenSignals = [];
before(() => {
  rt = new NexusRuntime({ suspensionTtlMs: 100, maxInstances: 8 });
  rt.registerExtension('slow', ['get'], (method, [ms, value]) => new Promise((resolve) => setTimeout(() => resolve(value), ms)));
  rt.registerExtension('never', ['get'], (method, args, call) => {
    seenSignals.push(call.signal);
    return never();
  });
  rt.registerExtension('fail', ['sync', 'async'], (method) => {
    if (method === 'sync') throw new Error('sync failure');
    return Promise.reject(new Error('async failure'));
  });
  rt.registerExtension('db', ['get'], null); // answered by the caller
});
after(() => rt.shutdown());

// Settles p and says how long it took from t0 (ms).
async function timed(t0, p) {
  try {
    return { value: await p, ms: performance.now() - t0 };
  } catch (error) {
    return { error, ms: performance.now() - t0 };
  }
}

// The library's count of suspended executions, once it has settled (a
// cancel runs off the JS thread).
async function pendingSuspensions(r) {
  for (let i = 0; i < 500 && r.getStats().pendingSuspensions > 0; i++) await sleep(10);
  return r.getStats().pendingSuspensions;
}

test('an extension slower than suspensionTtlMs still answers (the deadline governs, not the TTL)', async () => {
  const r = await rt.executeHandler('return await $ext.slow.get(300, "late but fine")', { capabilities: ['ext:slow'] });
  assert.equal(r.status, 'success', JSON.stringify(r.error));
  assert.equal(r.returnValue, 'late but fine');
});

test('an extension that settles after the deadline: TIMEOUT at the deadline, the late answer dropped', async () => {
  const t0 = performance.now();
  const { value: r, ms } = await timed(t0, rt.executeHandler('$log.info("before"); return await $ext.slow.get(1500, 1)',
    { capabilities: ['ext:slow'], limits: { deadlineMs: 300 } }));
  assert.equal(r.status, 'error');
  assert.equal(r.error.code, 'TIMEOUT');
  assert.match(r.error.message, /deadline of 300 ms/);
  assert.deepEqual(r.logs.map((l) => l.message), ['before'], 'logs of the segments before are kept');
  assert.ok(ms >= 295 && ms <= 300 + SLACK, `settled after ${ms} ms`);
  assert.equal(await pendingSuspensions(rt), 0, 'the suspended execution was cancelled');
});

test('an extension that never settles: TIMEOUT at the deadline, its handler told through call.signal', async () => {
  seenSignals.length = 0;
  const t0 = performance.now();
  const { value: r, ms } = await timed(t0, rt.executeHandler('return await $ext.never.get()',
    { capabilities: ['ext:never'], limits: { deadlineMs: 200 } }));
  assert.equal(r.error.code, 'TIMEOUT');
  assert.ok(ms <= 200 + SLACK, `settled after ${ms} ms`);
  assert.equal(seenSignals.length, 1);
  assert.equal(seenSignals[0].aborted, true);
  assert.equal(await pendingSuspensions(rt), 0);
});

test('the runtime-wide deadlineMs applies when the context sets none', async () => {
  const short = new NexusRuntime({ deadlineMs: 150 });
  short.registerExtension('never', ['get'], never);
  const t0 = performance.now();
  const { value: r, ms } = await timed(t0, short.executeHandler('return await $ext.never.get()', { capabilities: ['ext:never'] }));
  assert.equal(r.error.code, 'TIMEOUT');
  assert.ok(ms <= 150 + SLACK, `settled after ${ms} ms`);
  await short.shutdown();
});

test('a deadline shorter than timeoutMs stops a running handler at the deadline', async () => {
  const t0 = performance.now();
  const { value: r, ms } = await timed(t0, rt.executeHandler('for (;;) {}', { limits: { deadlineMs: 200, timeoutMs: 5000 } }));
  assert.equal(r.status, 'error');
  assert.equal(r.error.code, 'TIMEOUT');
  assert.ok(ms <= 200 + SLACK, `settled after ${ms} ms`);
});

test('throwing extensions settle at once: the await throws', async () => {
  const r = await rt.executeHandler(
    'const out = [];\nfor (const m of ["sync", "async"]) { try { await $ext.fail[m](); } catch (e) { out.push(e.message); } }\nreturn out;',
    { capabilities: ['ext:fail'], limits: { deadlineMs: 1000 } });
  assert.equal(r.status, 'success', JSON.stringify(r.error));
  assert.deepEqual(r.returnValue, ['sync failure', 'async failure']);
});

test('AbortSignal: an abort while a JS extension runs rejects with ABORTED at once', async () => {
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 100);
  const t0 = performance.now();
  const { error, ms } = await timed(t0, rt.executeHandler('return await $ext.never.get()',
    { capabilities: ['ext:never'] }, { signal: controller.signal }));
  assert.equal(error.code, 'ABORTED');
  assert.ok(ms <= 100 + SLACK, `settled after ${ms} ms`);
  assert.equal(await pendingSuspensions(rt), 0);
});

test('AbortSignal: an abort while the handler runs rejects at once; already aborted rejects before starting', async () => {
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error('user left')), 100);
  const t0 = performance.now();
  const { error, ms } = await timed(t0, rt.executeHandler('const end = Date.now() + 400; while (Date.now() < end) {} return 1',
    {}, { signal: controller.signal }));
  assert.equal(error.code, 'ABORTED');
  assert.match(error.message, /user left/);
  assert.ok(ms <= 100 + SLACK, `settled after ${ms} ms`);
  await assert.rejects(rt.executeHandler('return 1', {}, { signal: AbortSignal.abort() }), (e) => e.code === 'ABORTED');
});

test('AbortSignal: an execution waiting for admission leaves the queue', async () => {
  const small = new NexusRuntime({ maxInstances: 1 });
  small.registerExtension('never', ['get'], never);
  const blocker = small.executeHandler('return await $ext.never.get()', { capabilities: ['ext:never'], limits: { deadlineMs: 400 } });
  const controller = new AbortController();
  const waiting = small.executeHandler('return 1', {}, { signal: controller.signal });
  setTimeout(() => controller.abort(), 50);
  await assert.rejects(waiting, (e) => e.code === 'ABORTED');
  assert.equal((await blocker).error.code, 'TIMEOUT');
  const after = await small.executeHandler('return 2');
  assert.equal(after.returnValue, 2, 'the slot came back');
  await small.shutdown();
});

test('an execution whose deadline passes while it waits for a slot ends with TIMEOUT and never runs', async () => {
  const small = new NexusRuntime({ maxInstances: 1 });
  small.registerExtension('never', ['get'], never);
  const blocker = small.executeHandler('return await $ext.never.get()', { capabilities: ['ext:never'], limits: { deadlineMs: 300 } });
  const t0 = performance.now();
  const { value: r, ms } = await timed(t0, small.executeHandler('return 1', { limits: { deadlineMs: 100 } }));
  assert.equal(r.status, 'error');
  assert.equal(r.error.code, 'TIMEOUT');
  assert.ok(ms <= 100 + SLACK, `settled after ${ms} ms`);
  assert.equal((await blocker).error.code, 'TIMEOUT');
  await sleep(50);
  assert.equal(small.getStats().executions, 1, 'only the blocker ran');
  assert.equal((await small.executeHandler('return 2')).returnValue, 2, 'the slot came back');
  await small.shutdown();
});

test('a suspension handed to the caller: resumeHandler after the deadline resolves with TIMEOUT', async () => {
  const patient = new NexusRuntime({ suspensionTtlMs: 60000 }); // only the deadline in play
  patient.registerExtension('db', ['get'], null);
  const r = await patient.executeHandler('return await $ext.db.get("k")', { capabilities: ['ext:db'], limits: { deadlineMs: 150 } });
  assert.equal(r.status, 'suspended');
  await sleep(250);
  const late = await patient.resumeHandler(r.pendingCalls[0].id, { success: true, value: 1 });
  assert.equal(late.status, 'error');
  assert.equal(late.error.code, 'TIMEOUT');
  assert.equal(await pendingSuspensions(patient), 0);
  await patient.shutdown();
});

test('a suspension handed to the caller expires after suspensionTtlMs', async () => {
  const r = await rt.executeHandler('return await $ext.db.get("k")', { capabilities: ['ext:db'] });
  assert.equal(r.status, 'suspended');
  await sleep(250); // TTL 100 ms
  await assert.rejects(rt.resumeHandler(r.pendingCalls[0].id, { success: true, value: 1 }),
    (e) => e.code === 'INVALID_ARGUMENT' && /expired/.test(e.message));
  assert.equal(await pendingSuspensions(rt), 0);
});

test('resumeHandler is bounded by the execution deadline and its own signal', async () => {
  const r = await rt.executeHandler('const v = await $ext.db.get("k"); return await $ext.never.get(v)',
    { capabilities: ['ext:db', 'ext:never'], limits: { deadlineMs: 300 } });
  assert.equal(r.status, 'suspended');
  const t0 = performance.now();
  const { value: done, ms } = await timed(t0, rt.resumeHandler(r.pendingCalls[0].id, { success: true, value: 1 }));
  assert.equal(done.error.code, 'TIMEOUT');
  assert.ok(ms <= 300 + SLACK, `settled after ${ms} ms`);

  const again = await rt.executeHandler('const v = await $ext.db.get("k"); return await $ext.never.get(v)',
    { capabilities: ['ext:db', 'ext:never'] });
  await assert.rejects(rt.resumeHandler(again.pendingCalls[0].id, { success: true, value: 1 }, { signal: AbortSignal.timeout(50) }),
    (e) => e.code === 'ABORTED');
  assert.equal(await pendingSuspensions(rt), 0);
});

test('shutdown with executions running, waiting on JS extensions, suspended and queued: all settle by the time it resolves', async () => {
  const local = new NexusRuntime({ maxInstances: 2 });
  local.registerExtension('never', ['get'], never);
  local.registerExtension('db', ['get'], null);
  const suspended = await local.executeHandler('return await $ext.db.get(1)', { capabilities: ['ext:db'] });
  assert.equal(suspended.status, 'suspended');
  const waiting = local.executeHandler('return await $ext.never.get()', { capabilities: ['ext:never'] });
  const running = local.executeHandler('const end = Date.now() + 150; while (Date.now() < end) {} return "ran"');
  const queued = local.executeHandler('return "queued"');
  const states = { waiting: null, running: null, queued: null };
  for (const [name, p] of Object.entries({ waiting, running, queued })) {
    p.then((v) => { states[name] = v.returnValue; }, (e) => { states[name] = e.code; });
  }
  await sleep(30);
  const t0 = performance.now();
  await local.shutdown();
  const ms = performance.now() - t0;
  await sleep(0);
  assert.equal(states.waiting, 'SHUT_DOWN');
  assert.ok(states.running === 'ran' || states.running === 'SHUT_DOWN', String(states.running));
  assert.equal(states.queued, 'SHUT_DOWN');
  assert.ok(ms <= 150 + SLACK, `shutdown took ${ms} ms`);
  await assert.rejects(local.resumeHandler(suspended.pendingCalls[0].id, { success: true }), (e) => e.code === 'SHUT_DOWN');
  await assert.rejects(local.executeHandler('return 1'), (e) => e.code === 'SHUT_DOWN');
  assert.throws(() => local.registerInterface('a:b/c', {}), (e) => e.code === 'SHUT_DOWN');
  assert.equal(local.getStats().pendingSuspensions, 0);
});

test('dispose() and Symbol.asyncDispose shut down', async () => {
  const a = new NexusRuntime({ prewarmInstances: 0 });
  await a.dispose();
  assert.equal(a.isShutdown, true);
  const b = new NexusRuntime({ prewarmInstances: 0 });
  const dispose = Symbol.asyncDispose || Symbol.for('nodejs.asyncDispose');
  await b[dispose]();
  assert.equal(b.isShutdown, true);
  await assert.rejects(b.executeHandler('return 1'), (e) => e.code === 'SHUT_DOWN');
});
