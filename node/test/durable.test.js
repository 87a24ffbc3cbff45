// durable.test.js - suspended executions that outlive their process
// (docs/durable-suspensions.md), against a real redis-server this file
// starts on a free loopback port and stops, and separate worker processes
// (test-fixtures/durable-worker.js), killed with SIGKILL after their work:
//  - a handler with state writes, events, a view command, logs, three
//    awaits (two in a Promise.all), Math.random and Date.now suspends in
//    this process and is resumed, one suspension each, by three other
//    processes; the final result equals the replay of the recording that
//    travelled with it (same random seed, same clock: equal in every field
//    but metrics) and has what a one-process run has;
//  - two processes resuming the same id at once: exactly one wins;
//  - Redis paused or killed while exporting and while resuming: a clear
//    STORE_UNAVAILABLE, no crash, and the execution is not lost;
//  - a blob tampered with in Redis or in bytes, a wrong key, another
//    runtime's key: refused with a clear error;
//  - the store's TTL, the overall deadline, shutdown, options.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const { spawn } = require('node:child_process');
const { NexusRuntime } = require('..');
const { RedisServer } = require('../test-fixtures/redis.js');

const WORKER = path.join(__dirname, '..', 'test-fixtures', 'durable-worker.js');
const KEY = crypto.randomBytes(32);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const HANDLER = `
$state.count = ($state.count || 0) + 1; $emit('start', { r: Math.random() });
console.log('before', Date.now() > 0);
const a = await $ext.db.get('a');
$state.a = a; $view.command('list', 'refresh', { a });
const [b, c] = await Promise.all([$ext.db.get('b'), $ext.http.post('c')]);
$state.count += 1; $emit('end', { a, b, c }); console.log('after', a, b, c, Math.random() < 1);
return { a, b, c, t: Date.now() > 0 };`;
const CONTEXT = {
  state: { count: 10 },
  capabilities: ['state:read:*', 'state:write:*', 'events:emit:*', 'view:update:*', 'ext:*'],
};
const ANSWERS = { db: { v: 1 }, http: 'ok' };
const answerFor = (call) => ({ success: true, value: ANSWERS[call.extension] });

let redis;
before(async () => {
  redis = await RedisServer.start();
});
after(() => redis && redis.stop());

// A runtime attached to the test's store (options override).
function storeRuntime(options = {}) {
  const rt = new NexusRuntime({ suspensionKey: KEY, suspensionStore: { redis: redis.url, timeoutMs: 500 }, ...options });
  rt.registerExtension('db', ['get'], null);
  rt.registerExtension('http', ['post'], null);
  return rt;
}

// Starts a worker process on job; resolves with it once running (after
// "ready" when job.go).
function startWorker(job, { key = KEY } = {}) {
  const child = spawn(process.execPath, [WORKER, redis.url, key.toString('hex'), JSON.stringify(job)],
    { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  const lines = [];
  const waiters = [];
  child.stdout.on('data', (d) => {
    out += d;
    let nl;
    while ((nl = out.indexOf('\n')) >= 0) {
      lines.push(out.slice(0, nl));
      out = out.slice(nl + 1);
      while (waiters.length && lines.length) waiters.shift()(lines.shift());
    }
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const nextLine = () => new Promise((resolve, reject) => {
    if (lines.length) resolve(lines.shift());
    else waiters.push(resolve);
    exited.then(() => reject(new Error('the worker exited without printing')));
  });
  return { child, nextLine, exited };
}

// What a worker printed (recording back to a Buffer); the worker is then
// killed with SIGKILL, as a worker that dies right after its work.
async function finish(worker) {
  const line = await worker.nextLine();
  worker.child.kill('SIGKILL');
  await worker.exited;
  const printed = JSON.parse(line);
  if (printed.result && printed.result.recording && printed.result.recording.base64) {
    printed.result.recording = Buffer.from(printed.result.recording.base64, 'base64');
  }
  return printed;
}

async function resumeElsewhere(id, outcome) {
  return finish(startWorker({ id, outcome }));
}

const withoutMetrics = ({ metrics, recording, ...rest }) => rest;

test('an execution suspended here is resumed by other processes, one suspension each, and ends as one run would', async () => {
  const rt = storeRuntime();
  try {
    const first = await rt.executeHandler(HANDLER, CONTEXT, { record: true });
    assert.equal(first.status, 'suspended', JSON.stringify(first.error));
    assert.deepEqual(first.pendingCalls.map((c) => `${c.extension}.${c.method}`), ['db.get']);
    assert.equal(first.recording, null, 'the recording is complete only at the end');
    assert.equal(await redis.dbsize(), 1, 'the execution waits in Redis');
    assert.equal(rt.getStats().pendingSuspensions, 0, 'and not here');

    const second = await resumeElsewhere(first.pendingCalls[0].id, answerFor(first.pendingCalls[0]));
    assert.equal(second.ok, true, JSON.stringify(second));
    const mid = second.result;
    assert.equal(mid.status, 'suspended');
    // the whole execution so far: the first segment's effects included
    assert.deepEqual(mid.stateMutations, [{ key: 'count', op: 'set', value: 11 }, { key: 'a', op: 'set', value: { v: 1 } }]);
    assert.equal(mid.events.length, 1);
    assert.equal(mid.viewCommands.length, 1);
    assert.deepEqual(mid.pendingCalls.map((c) => `${c.extension}.${c.method}`).sort(), ['db.get', 'http.post']);
    assert.equal(await redis.dbsize(), 1);

    const [callB, callC] = mid.pendingCalls;
    const third = await resumeElsewhere(callB.id, answerFor(callB));
    assert.equal(third.ok, true, JSON.stringify(third));
    assert.equal(third.result.status, 'suspended');
    assert.deepEqual(third.result.pendingCalls.map((c) => c.id), [callC.id]);

    const fourth = await resumeElsewhere(callC.id, answerFor(callC));
    assert.equal(fourth.ok, true, JSON.stringify(fourth));
    const final = fourth.result;
    assert.equal(final.status, 'success', JSON.stringify(final.error));
    assert.ok(Buffer.isBuffer(final.recording) && final.recording.length > 0, 'the recording travelled with it');
    assert.equal(await redis.dbsize(), 0, 'no blob left behind');

    // the same execution in one process: its recording replayed (the same
    // random seed and clock) gives exactly this result, metrics aside
    const plain = new NexusRuntime();
    try {
      const replayed = await plain.replay(final.recording);
      assert.deepEqual(withoutMetrics(final), withoutMetrics(replayed));
    } finally {
      await plain.shutdown();
    }
    assert.deepEqual(final.returnValue, { a: { v: 1 }, b: { v: 1 }, c: 'ok', t: true });
    assert.deepEqual(final.stateMutations,
      [{ key: 'count', op: 'set', value: 12 }, { key: 'a', op: 'set', value: { v: 1 } }]);
    assert.deepEqual(final.events.map((e) => e.name), ['start', 'end']);
    assert.deepEqual(final.logs.map((l) => l.message.split(' ')[0]), ['before', 'after']);
    assert.equal(final.metrics.suspensions, 3);

    // and it carries what a one-process run (JS-served answers, no store) carries
    const local = new NexusRuntime();
    try {
      local.registerExtension('db', ['get'], () => ANSWERS.db);
      local.registerExtension('http', ['post'], () => ANSWERS.http);
      const single = await local.executeHandler(HANDLER, CONTEXT);
      for (const field of ['status', 'returnValue', 'stateMutations', 'viewCommands']) {
        assert.deepEqual(final[field], single[field], field);
      }
      assert.deepEqual(final.events.map((e) => e.name), single.events.map((e) => e.name));
      assert.deepEqual(final.logs.map((l) => l.level), single.logs.map((l) => l.level));
      assert.equal(final.metrics.suspensions, single.metrics.suspensions);
    } finally {
      await local.shutdown();
    }

    // taken exactly once: the same id again, from this process too
    await assert.rejects(rt.resumeHandler(callC.id, answerFor(callC)),
      (e) => e.code === 'INVALID_ARGUMENT' && /no execution waits/.test(e.message));
  } finally {
    await rt.shutdown();
  }
});

test('two processes resume the same id at once: exactly one wins, the other gets a clear error', async () => {
  const rt = storeRuntime();
  try {
    for (let round = 0; round < 3; round++) {
      const s = await rt.executeHandler("return (await $ext.db.get('k')).v + 1", CONTEXT);
      assert.equal(s.status, 'suspended');
      const job = { id: s.pendingCalls[0].id, outcome: { success: true, value: { v: round } }, go: true };
      const workers = [startWorker(job), startWorker(job)];
      for (const w of workers) assert.equal(await w.nextLine(), 'ready');
      for (const w of workers) w.child.stdin.write('go\n');
      const outcomes = await Promise.all(workers.map(finish));
      const winners = outcomes.filter((o) => o.ok);
      const losers = outcomes.filter((o) => !o.ok);
      assert.equal(winners.length, 1, JSON.stringify(outcomes));
      assert.equal(winners[0].result.returnValue, round + 1);
      assert.equal(losers[0].code, 'INVALID_ARGUMENT');
      assert.match(losers[0].message, /no execution waits/);
    }
    // the same in one process, through two runtimes and through one
    const other = storeRuntime();
    try {
      const s = await rt.executeHandler("return (await $ext.db.get('k')).v", CONTEXT);
      const id = s.pendingCalls[0].id;
      const settled = await Promise.allSettled([rt.resumeHandler(id, { success: true, value: { v: 1 } }),
        other.resumeHandler(id, { success: true, value: { v: 2 } }), rt.resumeHandler(id, { success: true, value: { v: 3 } })]);
      const won = settled.filter((p) => p.status === 'fulfilled');
      assert.equal(won.length, 1, JSON.stringify(settled));
      assert.ok([1, 2, 3].includes(won[0].value.returnValue));
      for (const p of settled.filter((x) => x.status === 'rejected')) assert.equal(p.reason.code, 'INVALID_ARGUMENT');
    } finally {
      await other.shutdown();
    }
    assert.equal(await redis.dbsize(), 0);
  } finally {
    await rt.shutdown();
  }
});

test('extensions served by JavaScript go through the store at each await, and the result is the one without a store', async () => {
  const code = "$state.n = 1; $log.info('one');\nconst x = await $ext.math.add(1, 2);\n" +
    "const [y, z] = await Promise.all([$ext.math.add(x, 1), $ext.math.add(x, 2)]);\n$state.n = y + z; $emit('done', y);\nreturn [x, y, z];";
  const context = { capabilities: ['ext:math', 'state:write:*', 'events:emit:*'] };
  const add = (method, [a, b]) => a + b;
  const durable = storeRuntime();
  const plain = new NexusRuntime();
  durable.registerExtension('math', ['add'], add);
  plain.registerExtension('math', ['add'], add);
  try {
    const [d, p] = await Promise.all([durable.executeHandler(code, context), plain.executeHandler(code, context)]);
    assert.equal(d.status, 'success', JSON.stringify(d.error));
    const strip = (r) => ({ ...withoutMetrics(r), logs: r.logs.map((l) => l.message) });
    assert.deepEqual(strip(d), strip(p));
    assert.equal(d.metrics.suspensions, p.metrics.suspensions);
    assert.equal(await redis.dbsize(), 0);
  } finally {
    await Promise.all([durable.shutdown(), plain.shutdown()]);
  }
});

// A Redis of its own that keeps its data across a kill (append-only file).
async function persistentRedis() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nexus-redis-'));
  const server = await RedisServer.start({ dir });
  return {
    server,
    async stop() {
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function runtimeOn(url, options = {}) {
  const rt = new NexusRuntime({ suspensionKey: KEY, suspensionStore: { redis: url, timeoutMs: 500 }, ...options });
  rt.registerExtension('db', ['get'], null);
  return rt;
}

test('Redis down while resuming: STORE_UNAVAILABLE, and the execution stays in the store', async () => {
  const { server, stop } = await persistentRedis();
  const rt = runtimeOn(server.url);
  const other = runtimeOn(server.url);
  try {
    const s = await rt.executeHandler("$state.x = 1;\nreturn (await $ext.db.get('k')).v * 2", CONTEXT);
    assert.equal(s.status, 'suspended');
    const id = s.pendingCalls[0].id;
    await server.kill();
    await assert.rejects(other.resumeHandler(id, { success: true, value: { v: 21 } }), (e) => {
      assert.equal(e.code, 'STORE_UNAVAILABLE');
      assert.match(e.message, /Redis/);
      return true;
    });
    await server.restart();
    const done = await other.resumeHandler(id, { success: true, value: { v: 21 } });
    assert.equal(done.status, 'success', JSON.stringify(done.error));
    assert.equal(done.returnValue, 42);
    assert.deepEqual(done.stateMutations, [{ key: 'x', op: 'set', value: 1 }], 'the whole execution');
    assert.equal(await server.dbsize(), 0);
  } finally {
    await Promise.all([rt.shutdown(), other.shutdown()]);
    await stop();
  }
});

test('Redis down while a JS-served call is answered: STORE_UNAVAILABLE with what it waits on, resumed later elsewhere', async () => {
  const { server, stop } = await persistentRedis();
  const rt = runtimeOn(server.url);
  const other = runtimeOn(server.url);
  // the execution is in Redis while its call runs; then Redis goes
  rt.registerExtension('slow', ['get'], async () => {
    await server.kill();
    return 5;
  });
  try {
    const caught = await rt.executeHandler("$state.y = 2;\nconst v = await $ext.slow.get();\nreturn v + 1",
      { capabilities: ['ext:slow', 'state:write:*'] }).then(() => null, (e) => e);
    assert.ok(caught, 'rejected');
    assert.equal(caught.code, 'STORE_UNAVAILABLE');
    assert.equal(caught.result.status, 'suspended');
    const [call] = caught.result.pendingCalls;
    assert.equal(call.extension, 'slow');
    await server.restart();
    other.registerExtension('slow', ['get'], null);
    const done = await other.resumeHandler(call.id, { success: true, value: 5 });
    assert.equal(done.returnValue, 6);
    assert.deepEqual(done.stateMutations, [{ key: 'y', op: 'set', value: 2 }]);
    assert.equal(await server.dbsize(), 0);
  } finally {
    await Promise.all([rt.shutdown(), other.shutdown()]);
    await stop();
  }
});

test('Redis down while suspending: STORE_UNAVAILABLE, the execution waits in this process and resumes here; then Redis down while resuming', async () => {
  const local = await RedisServer.start();
  const rt = new NexusRuntime({ suspensionKey: KEY, suspensionStore: { redis: local.url, timeoutMs: 300 } });
  rt.registerExtension('db', ['get'], null);
  try {
    const stored = await rt.executeHandler("return (await $ext.db.get('k')) + 1", CONTEXT);
    assert.equal(stored.status, 'suspended');
    await local.kill();
    const caught = await rt.executeHandler("$state.z = 3;\nreturn (await $ext.db.get('k')) + 1", CONTEXT)
      .then(() => null, (e) => e);
    assert.ok(caught, 'rejected');
    assert.equal(caught.code, 'STORE_UNAVAILABLE');
    assert.match(caught.message, /could not be put in the store/);
    assert.equal(caught.result.status, 'suspended');
    assert.equal(rt.getStats().pendingSuspensions, 1, 'it waits here');
    const done = await rt.resumeHandler(caught.result.pendingCalls[0].id, { success: true, value: 41 });
    assert.equal(done.status, 'success', JSON.stringify(done.error));
    assert.equal(done.returnValue, 42);
    assert.deepEqual(done.stateMutations, [{ key: 'z', op: 'set', value: 3 }]);
    // the one stored before cannot be taken: a clear error, no crash
    await assert.rejects(rt.resumeHandler(stored.pendingCalls[0].id, { success: true, value: 1 }),
      (e) => e.code === 'STORE_UNAVAILABLE' && /Redis/.test(e.message));
  } finally {
    await rt.shutdown();
    await local.stop();
  }
});

test('a blob altered in Redis, or a runtime with another key, is refused with a clear error', async () => {
  const rt = storeRuntime();
  const otherKey = storeRuntime({ suspensionKey: crypto.randomBytes(32) });
  try {
    for (const how of ['flip', 'truncate']) {
      const s = await rt.executeHandler("return await $ext.db.get('k')", CONTEXT);
      const [name] = await redis.command('KEYS', '*');
      const blob = Buffer.from(await redis.command('GET', name));
      const bad = how === 'flip' ? Buffer.from(blob) : blob.subarray(0, blob.length - 7);
      if (how === 'flip') bad[Math.floor(bad.length / 2)] ^= 0x20;
      assert.equal(await redis.command('SET', name, bad, 'PX', 60000), 'OK');
      await assert.rejects(rt.resumeHandler(s.pendingCalls[0].id, { success: true, value: 1 }), (e) => {
        assert.equal(e.code, 'INVALID_ARGUMENT');
        assert.match(e.message, /does not authenticate/);
        return true;
      });
    }
    const s = await rt.executeHandler("return await $ext.db.get('k')", CONTEXT);
    await assert.rejects(otherKey.resumeHandler(s.pendingCalls[0].id, { success: true, value: 1 }),
      (e) => e.code === 'INVALID_ARGUMENT' && /does not authenticate/.test(e.message));
    // the library drops what does not authenticate: nothing is left to take
    await assert.rejects(rt.resumeHandler(s.pendingCalls[0].id, { success: true, value: 1 }),
      (e) => e.code === 'INVALID_ARGUMENT');
    assert.equal(await redis.dbsize(), 0);
  } finally {
    await Promise.all([rt.shutdown(), otherKey.shutdown()]);
  }
});

test('exportSuspended / importSuspended: bytes another runtime resumes; altered, cut or foreign bytes refused', async () => {
  const a = new NexusRuntime({ suspensionKey: KEY });
  const b = new NexusRuntime({ suspensionKey: Buffer.from(KEY) });
  const wrong = new NexusRuntime({ suspensionKey: 'another key of thirty-two bytes!' });
  for (const rt of [a, b, wrong]) {
    rt.registerExtension('db', ['get'], null);
    rt.registerExtension('http', ['post'], null);
  }
  try {
    const first = await a.executeHandler(HANDLER, CONTEXT);
    assert.equal(first.status, 'suspended');
    const bytes = await a.exportSuspended(first.pendingCalls[0].id);
    assert.ok(Buffer.isBuffer(bytes) && bytes.length > 0 && bytes.length < 64 * 1024, `${bytes.length} bytes`);
    assert.equal(a.getStats().pendingSuspensions, 0, 'exporting took it out of the runtime');
    await assert.rejects(a.resumeHandler(first.pendingCalls[0].id, answerFor(first.pendingCalls[0])),
      (e) => e.code === 'INVALID_ARGUMENT');

    const flipped = Buffer.from(bytes);
    flipped[bytes.length - 40] ^= 1;
    for (const [what, bad, rt] of [['flipped', flipped, b], ['cut', bytes.subarray(0, bytes.length - 1), b],
      ['another key', bytes, wrong]]) {
      await assert.rejects(rt.importSuspended(bad), (e) => {
        assert.equal(e.code, 'INVALID_ARGUMENT', what);
        assert.match(e.message, /does not authenticate/, what);
        return true;
      });
    }

    const imported = await b.importSuspended(bytes);
    assert.equal(imported.status, 'suspended');
    assert.deepEqual(imported.stateMutations, first.stateMutations);
    assert.deepEqual(imported.pendingCalls.map((c) => c.id), first.pendingCalls.map((c) => c.id));
    let r = await b.resumeHandler(imported.pendingCalls[0].id, answerFor(imported.pendingCalls[0]));
    // without a store each result carries what came since the previous one
    assert.deepEqual(r.stateMutations, [{ key: 'a', op: 'set', value: { v: 1 } }]);
    while (r.status === 'suspended') r = await b.resumeHandler(r.pendingCalls[0].id, answerFor(r.pendingCalls[0]));
    assert.equal(r.status, 'success', JSON.stringify(r.error));
    assert.deepEqual(r.returnValue, { a: { v: 1 }, b: { v: 1 }, c: 'ok', t: true });

    const keyless = new NexusRuntime({ prewarmInstances: 0 });
    await assert.rejects(keyless.exportSuspended('sx-1'), (e) => e.code === 'INVALID_ARGUMENT' && /suspensionKey/.test(e.message));
    await assert.rejects(keyless.importSuspended(bytes), (e) => e.code === 'INVALID_ARGUMENT' && /suspensionKey/.test(e.message));
    await keyless.shutdown();
  } finally {
    await Promise.all([a.shutdown(), b.shutdown(), wrong.shutdown()]);
  }
});

test('an answer over maxValueBytes to an execution taken from the store: refused, and it waits here to be answered again', async () => {
  const a = storeRuntime();
  const b = storeRuntime();
  try {
    const s = await a.executeHandler("$state.k = 1;\nconst v = await $ext.db.get('k');\n$state.v = v;\nreturn await $ext.db.get(v)",
      { ...CONTEXT, limits: { maxValueBytes: 64 } });
    const id = s.pendingCalls[0].id;
    await assert.rejects(b.resumeHandler(id, { success: true, value: 'x'.repeat(200) }),
      (e) => e.code === 'RESOURCE_LIMIT' && /value limit/.test(e.message));
    assert.equal(b.getStats().pendingSuspensions, 1, 'it waits in the runtime that refused the answer');
    const mid = await b.resumeHandler(id, { success: true, value: 'v' });
    assert.equal(mid.status, 'suspended');
    assert.deepEqual(mid.stateMutations.map((m) => m.key), ['k', 'v'], 'the whole execution so far');
    assert.equal(await redis.dbsize(), 1, 'and then in the store again');
    const done = await a.resumeHandler(mid.pendingCalls[0].id, { success: true, value: 'end' });
    assert.equal(done.returnValue, 'end');
    assert.deepEqual(done.stateMutations, [{ key: 'k', op: 'set', value: 1 }, { key: 'v', op: 'set', value: 'v' }]);
  } finally {
    await Promise.all([a.shutdown(), b.shutdown()]);
  }
});

test('the store keeps executions past a shutdown; its TTL and the overall deadline still hold', async () => {
  const a = storeRuntime();
  const s = await a.executeHandler("return (await $ext.db.get('k')).v", CONTEXT);
  await a.shutdown(); // the execution is the store's, not this runtime's
  const b = storeRuntime({ suspensionTtlMs: 200 });
  try {
    const done = await b.resumeHandler(s.pendingCalls[0].id, { success: true, value: { v: 7 } });
    assert.equal(done.returnValue, 7);

    const expiring = await b.executeHandler("return await $ext.db.get('k')", CONTEXT);
    await sleep(400);
    assert.equal(await redis.dbsize(), 0, 'Redis expired it (suspensionTtlMs)');
    await assert.rejects(b.resumeHandler(expiring.pendingCalls[0].id, { success: true, value: 1 }),
      (e) => e.code === 'INVALID_ARGUMENT');

    const late = await b.executeHandler("$log.info('kept'); return await $ext.db.get('k')",
      { ...CONTEXT, limits: { deadlineMs: 100 } });
    await sleep(150);
    const timedOut = await storeRuntime().resumeHandler(late.pendingCalls[0].id, { success: true, value: 1 });
    assert.equal(timedOut.status, 'error');
    assert.equal(timedOut.error.code, 'TIMEOUT');
  } finally {
    await b.shutdown();
  }
});

test('a JS handler slower than the store\'s TTL: the execution expired there, TIMEOUT with the logs so far', async () => {
  const rt = storeRuntime({ suspensionTtlMs: 150 });
  rt.registerExtension('slow', ['get'], () => sleep(400).then(() => 1));
  try {
    const r = await rt.executeHandler("$log.info('before'); return await $ext.slow.get()", { capabilities: ['ext:slow'] });
    assert.equal(r.status, 'error');
    assert.equal(r.error.code, 'TIMEOUT');
    assert.match(r.error.message, /expired in the store \(suspensionTtlMs 150 ms\) while slow.get ran/);
    assert.deepEqual(r.logs.map((l) => l.message), ['before']);
  } finally {
    await rt.shutdown();
  }
});

test('suspension options are checked', () => {
  const bad = [
    [{ suspensionKey: 'too short' }, /16 to 64 bytes/],
    [{ suspensionKey: Buffer.alloc(65) }, /16 to 64 bytes/],
    [{ suspensionKey: 42 }, /Buffer, a Uint8Array or a string/],
    [{ suspensionStore: { redis: 'redis://127.0.0.1:1' } }, /needs config.suspensionKey/],
    [{ suspensionKey: KEY, suspensionStore: 'redis://127.0.0.1:1' }, /must be an object/],
    [{ suspensionKey: KEY, suspensionStore: { redis: 'http://x' } }, /redis must be a URL/],
    [{ suspensionKey: KEY, suspensionStore: { redis: 'redis://h:1', prefix: 'x' } }, /unknown config.suspensionStore option "prefix"/],
    [{ suspensionKey: KEY, suspensionStore: { redis: 'redis://h:1', keyPrefix: '' } }, /keyPrefix/],
    [{ suspensionKey: KEY, suspensionStore: { redis: 'redis://h:1', timeoutMs: -1 } }, /timeoutMs/],
    [{ suspensionKey: KEY, suspensionStore: { redis: 'redis://' } }, /host/],
  ];
  for (const [config, message] of bad) {
    assert.throws(() => new NexusRuntime(config), (e) => {
      assert.equal(e.code, 'INVALID_ARGUMENT', JSON.stringify(config));
      assert.match(e.message, message);
      return true;
    });
  }
  // a string key is its UTF-8 bytes; a store is lazy: nothing is dialled yet
  const ok = new NexusRuntime({ prewarmInstances: 0, suspensionKey: 'é'.repeat(8), suspensionStore: { redis: 'redis://127.0.0.1:1', keyPrefix: 'app:' } });
  return ok.shutdown();
});
