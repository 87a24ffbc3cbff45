// concurrency.test.js - 2,000 concurrent executeHandler calls in one
// Promise.all, each checked; repeated batches must not grow memory; the
// executor settings (one executor, no spinning / many, spinning).
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const v8 = require('node:v8');
const vm = require('node:vm');
const { NexusRuntime } = require('..');

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

const COUNTER = fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'counter.js'), 'utf8');
const CAPS = ['state:read:count', 'state:write:count', 'events:emit:*'];

function batch(rt, n) {
  return Promise.all(Array.from({ length: n }, (_, i) => rt.executeHandler(COUNTER, {
    state: { count: i }, args: { step: (i % 13) + 1 }, capabilities: CAPS,
  })));
}

function check(results) {
  assert.equal(results.length, 2000);
  results.forEach((r, i) => {
    const expected = i + (i % 13) + 1;
    assert.equal(r.status, 'success', `call ${i}: ${JSON.stringify(r.error)}`);
    assert.equal(r.returnValue, expected, `call ${i}`);
    assert.deepEqual(r.stateMutations, [{ key: 'count', op: 'set', value: expected }]);
    assert.deepEqual(r.events, [{ name: 'counter:changed', payload: { count: expected } }]);
  });
}

test('2,000 concurrent executeHandler calls all resolve with their own results', async () => {
  const rt = new NexusRuntime();
  try {
    const before = rt.getStats().executions;
    check(await batch(rt, 2000));
    const s = rt.getStats();
    assert.equal(s.executions - before, 2000);
    assert.equal(s.instancesBusy, 0);
  } finally {
    await rt.shutdown();
  }
});

// Least-squares slope of ys over their indices.
function slope(ys) {
  const n = ys.length;
  const mx = (n - 1) / 2;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  ys.forEach((y, x) => { num += (x - mx) * (y - my); den += (x - mx) ** 2; });
  return num / den;
}

test('repeated 2,000-call batches keep RSS flat', async () => {
  const rt = new NexusRuntime();
  const rss = [];
  try {
    for (let round = 0; round < 46; round++) {
      check(await batch(rt, 2000));
      gc();
      rss.push(process.memoryUsage().rss / 1048576);
    }
  } finally {
    await rt.shutdown();
  }
  // After warm-up rounds (pools, heaps, malloc arenas) RSS must stay flat:
  // leaking ~500 bytes per execution (a result, a context, a source copy)
  // adds about 1 MiB per round. The slope over 16 rounds shrugs off the
  // one-off jumps of a busy machine that an end-to-end difference would not.
  // Warming up takes ~30 rounds: with every call of a batch handed to the
  // executors at once (src/slots.c), V8's heap and the malloc arenas grow
  // to their working size for about that long (measured: flat from there
  // to round 70).
  const perRound = slope(rss.slice(30));
  if (process.env.NEXUS_TEST_VERBOSE) console.log(rss.map((m) => m.toFixed(1)).join(' '));
  assert.ok(perRound < 0.5,
    `RSS grows by ${perRound.toFixed(2)} MiB per 2,000 executions: ${rss.map((m) => m.toFixed(1)).join(' ')}`);
});

test('executors: one executor without spinning, then many with, give the same results', async () => {
  const { configureExecutors } = require('..');
  assert.throws(() => configureExecutors({ maxExecutors: 0 }), (e) => e.code === 'INVALID_ARGUMENT');
  assert.throws(() => configureExecutors({ spinMicros: -1 }), (e) => e.code === 'INVALID_ARGUMENT');
  const rt = new NexusRuntime();
  try {
    for (const options of [{ maxExecutors: 1, spinMicros: 0 }, { maxExecutors: 8, spinMicros: 1000 }]) {
      configureExecutors(options);
      const results = await Promise.all(Array.from({ length: 300 }, (_, i) => rt.executeHandler(COUNTER, {
        state: { count: i }, args: { step: 3 }, capabilities: CAPS,
      })));
      results.forEach((r, i) => assert.equal(r.returnValue, i + 3));
      for (let i = 0; i < 50; i++) { // one after another
        const r = await rt.executeHandler(COUNTER, { state: { count: i }, capabilities: CAPS });
        assert.equal(r.returnValue, i + 1);
      }
    }
  } finally {
    configureExecutors(); // the defaults again
    await rt.shutdown();
  }
});
