// execute.test.js - executeHandler end to end: the counter example,
// permissions, capability tokens, values across the boundary, limits,
// config and argument validation, stats, Prometheus text, inferCapabilities.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { NexusRuntime, NexusError, inferCapabilities } = require('..');

const COUNTER = fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'counter.js'), 'utf8');
const CAPS = ['state:read:count', 'state:write:count', 'events:emit:*'];

let rt;
before(() => { rt = new NexusRuntime({ prewarmInstances: 2 }); });
after(() => rt.shutdown());

test('the counter example adds step to count, stores it and emits one event', async () => {
  const r = await rt.executeHandler(COUNTER, { state: { count: 41 }, args: { step: 1 }, capabilities: CAPS });
  assert.equal(r.status, 'success');
  assert.equal(r.returnValue, 42);
  assert.deepEqual(r.stateMutations, [{ key: 'count', op: 'set', value: 42 }]);
  assert.deepEqual(r.events, [{ name: 'counter:changed', payload: { count: 42 } }]);
  assert.deepEqual(r.viewCommands, []);
  assert.equal(r.error, null);
  assert.deepEqual(r.pendingCalls, []);
  assert.equal(r.metrics.suspensions, 0);
  assert.equal(r.metrics.hostCalls, 3);
  assert.equal(typeof r.metrics.durationUs, 'number');
});

test('without state:write:count the write is denied', async () => {
  const r = await rt.executeHandler(COUNTER, {
    state: { count: 41 }, args: { step: 1 }, capabilities: ['state:read:count', 'events:emit:*'],
  });
  assert.equal(r.status, 'error');
  assert.equal(r.error.code, 'PERMISSION_DENIED');
  assert.deepEqual(r.stateMutations, []);
  assert.deepEqual(r.events, []);
});

test('a malformed capability token rejects with INVALID_ARGUMENT and the result', async () => {
  await assert.rejects(rt.executeHandler('return 1', { capabilities: ['state:frobnicate'] }), (e) => {
    assert.ok(e instanceof NexusError);
    assert.equal(e.code, 'INVALID_ARGUMENT');
    assert.match(e.message, /state:frobnicate/);
    assert.equal(e.result.status, 'error');
    assert.equal(e.result.error.code, 'INVALID_ARGUMENT');
    return true;
  });
});

test('panelId, handlerName and scope reach the handler', async () => {
  const r = await rt.executeHandler('return [$handler.panelId, $handler.name, $scope.user]', {
    panelId: 'p-1', handlerName: 'onClick', scope: { user: 'ada' },
  });
  assert.equal(r.status, 'success', JSON.stringify(r.error));
  assert.deepEqual(r.returnValue, ['p-1', 'onClick', 'ada']);
});

test('values cross the boundary both ways (docs/values.md)', async () => {
  const when = new Date(Date.UTC(2024, 1, 29, 12, 0, 0, 250));
  const r = await rt.executeHandler(
    'return { big: 2n ** 60n, neg: -(2n ** 60n), wide: 2 ** 40, frac: 0.5, date: $args.when,' +
    ' bytes: new Uint8Array([1, 2, 3]), echo: $args.bytes, nested: $args.nested, nil: undefined, holes: [undefined],' +
    ' later: new Date($args.when.getTime() + 1000), n: $args.n, s: $args.s }',
    { args: { when, bytes: new Uint8Array([9, 8]), nested: { a: [1, { b: null }] }, n: 2n ** 62n, s: 'é✓' } });
  assert.equal(r.status, 'success', JSON.stringify(r.error));
  const v = r.returnValue;
  assert.equal(v.big, 2n ** 60n);
  assert.equal(v.neg, -(2n ** 60n));
  assert.equal(v.wide, 2 ** 40);
  assert.equal(v.frac, 0.5);
  assert.ok(v.date instanceof Date);
  assert.equal(v.date.getTime(), when.getTime());
  assert.equal(v.later.getTime(), when.getTime() + 1000);
  assert.ok(v.bytes instanceof Uint8Array);
  assert.ok(!Buffer.isBuffer(v.bytes), 'bin decodes to a plain Uint8Array copy');
  assert.deepEqual([...v.bytes], [1, 2, 3]);
  assert.deepEqual([...v.echo], [9, 8]);
  assert.deepEqual(v.nested, { a: [1, { b: null }] });
  assert.ok(!('nil' in v), 'undefined members are left out');
  assert.deepEqual(v.holes, [null]);
  assert.equal(v.n, 2n ** 62n);
  assert.equal(v.s, 'é✓');
});

test('a result holding a __proto__ key keeps it as an own property, prototypes untouched', async () => {
  const r = await rt.executeHandler('return JSON.parse(\'{"__proto__": {"polluted": 1}, "a": 2}\')');
  assert.equal(r.status, 'success', JSON.stringify(r.error));
  assert.equal(Object.getPrototypeOf(r.returnValue), Object.prototype);
  assert.deepEqual(Object.keys(r.returnValue), ['__proto__', 'a']);
  assert.deepEqual(Object.getOwnPropertyDescriptor(r.returnValue, '__proto__').value, { polluted: 1 });
  assert.equal(r.returnValue.polluted, undefined);
  assert.equal({}.polluted, undefined);
  assert.equal(Object.prototype.polluted, undefined);
});

test('handler errors come back in result.error with a location', async () => {
  const r = await rt.executeHandler('const x = 1;\nthrow new Error("nope " + x);');
  assert.equal(r.status, 'error');
  assert.equal(r.error.code, 'EXECUTION_ERROR');
  assert.match(r.error.message, /nope 1/);
  assert.equal(r.error.line, 2);
});

test('a syntax error through executeHandler is a COMPILATION_ERROR result', async () => {
  const r = await rt.executeHandler('return (;');
  assert.equal(r.status, 'error');
  assert.equal(r.error.code, 'COMPILATION_ERROR');
});

test('timeoutMs stops a runaway handler with TIMEOUT', async () => {
  const started = Date.now();
  const r = await rt.executeHandler('for (;;) {}', {}, 100);
  assert.equal(r.status, 'error');
  assert.equal(r.error.code, 'TIMEOUT');
  assert.ok(Date.now() - started < 3000);
});

test('logs are delivered', async () => {
  const r = await rt.executeHandler('$log.info("hello", 1); console.warn("careful"); return null');
  assert.equal(r.status, 'success', JSON.stringify(r.error));
  assert.equal(r.logs.length, 2);
  assert.equal(r.logs[0].level, 'info');
  assert.match(r.logs[0].message, /hello/);
  assert.equal(r.logs[1].level, 'warn');
  assert.equal(typeof r.logs[0].timestamp, 'number');
});

test('bad arguments reject with INVALID_ARGUMENT', async () => {
  const bad = [
    () => rt.executeHandler(42),
    () => rt.executeHandler('return 1', 'not an object'),
    () => rt.executeHandler('return 1', { state: [1, 2] }),
    () => rt.executeHandler('return 1', { capabilities: 'ext:*' }),
    () => rt.executeHandler('return 1', { capabilities: [1] }),
    () => rt.executeHandler('return 1', { panelId: 7 }),
    () => rt.executeHandler('return 1', { capabilites: [] }),
    () => rt.executeHandler('return 1', {}, -1),
    () => rt.executeHandler('return 1', {}, 1.5),
    () => rt.resumeHandler('', { success: true }),
    () => rt.resumeHandler('sx-1', { value: 1 }),
    () => rt.executeCompiledHandler({ id: 'forged' }, {}),
  ];
  for (const call of bad) {
    await assert.rejects(call(), (e) => e.code === 'INVALID_ARGUMENT', call.toString());
  }
  await assert.rejects(rt.executeHandler('return 1', { state: { f() {} } }),
    (e) => e.code === 'SERIALIZATION_ERROR');
});

test('bad config throws INVALID_ARGUMENT', () => {
  const bad = [
    'nope', { maxInstances: -1 }, { maxInstances: 1.5 }, { timeoutMs: '100' }, { cacheDir: 3 },
    { memoryLimitMb: 2 }, { cacheMaxBytes: -5 }, { maxInstance: 3 }, { maxHostCalls: 2 ** 32 },
  ];
  for (const config of bad) {
    assert.throws(() => new NexusRuntime(config), (e) => e.code === 'INVALID_ARGUMENT', JSON.stringify(config));
  }
});

test('config limits apply to every execution', async () => {
  const small = new NexusRuntime({ maxHostCalls: 2, prewarmInstances: 0, maxInstances: 2 });
  try {
    const r = await small.executeHandler('$log.info(1); $log.info(2); $log.info(3); return 1');
    assert.equal(r.status, 'error');
    assert.equal(r.error.code, 'RESOURCE_LIMIT');
  } finally {
    await small.shutdown();
  }
});

test('getStats and getPrometheusMetrics report executions', async () => {
  const before = rt.getStats();
  await rt.executeHandler(COUNTER, { state: { count: 1 }, capabilities: CAPS });
  await rt.executeHandler('throw new Error("x")');
  const s = rt.getStats();
  assert.equal(s.executions, before.executions + 2);
  assert.equal(s.successes, before.successes + 1);
  assert.equal(s.errors, before.errors + 1);
  assert.equal(s.errorsByCode.EXECUTION_ERROR, before.errorsByCode.EXECUTION_ERROR + 1);
  for (const k of ['hostCalls', 'cacheEntries', 'cacheHits', 'cacheMisses', 'compilations', 'instancesIdle',
                   'instancesBusy', 'instancesSuspended', 'instancesCreated', 'memoryBytes',
                   'peakMemoryBytes', 'pendingSuspensions']) {
    assert.equal(typeof s[k], 'number', k);
  }
  assert.equal(typeof s.dirtyPageRestore, 'boolean');
  assert.ok(s.cacheHits >= 1);
  const text = rt.getPrometheusMetrics();
  assert.match(text, /^# TYPE nexus_executions_total counter$/m);
  assert.match(text, /^nexus_executions_total\{status="success"\} \d+$/m);
});

test('inferCapabilities suggests the counter tokens', () => {
  const expected = ['events:emit:counter:changed', 'state:read:count', 'state:write:count'];
  assert.deepEqual(rt.inferCapabilities(COUNTER), expected);
  assert.deepEqual(inferCapabilities(COUNTER), expected);
  assert.throws(() => rt.inferCapabilities(null), (e) => e.code === 'INVALID_ARGUMENT');
});
