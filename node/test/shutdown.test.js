// shutdown.test.js - shutdown with work in flight (in child processes, so
// that exiting cleanly is checked too), use after shutdown, shutdown while
// a JS extension handler is running, runtime objects collected with works
// queued, process.exit while executions run, worker threads.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { NexusRuntime } = require('..');

function runChild(args, execArgv = []) {
  const r = spawnSync(process.execPath, [...execArgv, ...args], { encoding: 'utf8', timeout: 60000 });
  assert.equal(r.error, undefined, String(r.error));
  assert.equal(r.signal, null, `child killed by ${r.signal}; stderr: ${r.stderr}`);
  assert.equal(r.status, 0, `child exit ${r.status}; stderr: ${r.stderr}`);
  assert.equal(r.stderr, '', 'nothing on stderr');
  return r.stdout;
}

const SHUTDOWN_FIXTURE = path.join(__dirname, '..', 'test-fixtures', 'shutdown-in-flight.js');

for (const [mode, delay] of [['plain', 0], ['plain', 2], ['ext', 0], ['ext', 20]]) {
  test(`shutdown with 200 executions in flight (${mode}, after ${delay} ms): all settle, the process exits`, () => {
    const summary = JSON.parse(runChild([SHUTDOWN_FIXTURE, mode, String(delay)]));
    assert.deepEqual(summary.wrong, []);
    assert.equal(summary.resolved + summary.rejected, 200);
    for (const code of Object.keys(summary.codes)) assert.equal(code, 'SHUT_DOWN');
    assert.equal(summary.prometheus, true);
    assert.equal(summary.stats.pendingSuspensions, 0);
    assert.equal(summary.stats.instancesBusy, 0);
  });
}

test('runtime objects collected while their works are queued; process.exit mid-execution', () => {
  const fixture = path.join(__dirname, '..', 'test-fixtures', 'collect-in-flight.js');
  assert.equal(runChild([fixture, 'collect'], ['--expose-gc']), 'ok busy-during-gc=true collected=5\n');
  for (let i = 0; i < 3; i++) assert.equal(runChild([fixture, 'exit']), '');
});

test('worker threads that exit or are terminated with executions in flight', () => {
  const fixture = path.join(__dirname, '..', 'test-fixtures', 'worker-threads.js');
  for (let i = 0; i < 2; i++) assert.equal(runChild([fixture]), '42,42,42,42,42,42,7\n');
});

test('after shutdown every call is refused with a code', async () => {
  const rt = new NexusRuntime({ prewarmInstances: 0 });
  const r = await rt.executeHandler('return 1');
  assert.equal(r.returnValue, 1);
  await rt.shutdown();
  assert.equal(rt.isShutdown, true);
  await assert.rejects(rt.executeHandler('return 1'), (e) => e.code === 'SHUT_DOWN');
  await assert.rejects(rt.resumeHandler('sx-1', { success: true }), (e) => e.code === 'SHUT_DOWN');
  await assert.rejects(rt.cancelSuspension('sx-1'), (e) => e.code === 'SHUT_DOWN');
  assert.throws(() => rt.registerExtension('x', ['y'], null), (e) => e.code === 'SHUT_DOWN');
  assert.equal(rt.getStats().executions, 1, 'the last figures stay readable');
  assert.match(rt.getPrometheusMetrics(), /nexus_executions_total/);
  await rt.shutdown(); // idempotent
});

test('shutdown while a JS extension handler runs: the execution rejects with a code', async () => {
  const rt = new NexusRuntime();
  let release;
  let entered;
  const enteredPromise = new Promise((resolve) => { entered = resolve; });
  rt.registerExtension('gate', ['wait'], () => {
    entered();
    return new Promise((resolve) => { release = resolve; });
  });
  const running = rt.executeHandler('return await $ext.gate.wait()', { capabilities: ['ext:gate'] });
  await enteredPromise;
  assert.equal(rt.getStats().pendingSuspensions, 1);
  const rejected = assert.rejects(running, (e) => e.code === 'SHUT_DOWN');
  await rt.shutdown();
  await rejected; // settled by the time shutdown() resolved, without the extension's answer
  assert.equal(rt.getStats().pendingSuspensions, 0, 'shutdown cancelled the suspended execution');
  release('too late');
});

test('shutdown rejects executions still waiting for admission', async () => {
  const rt = new NexusRuntime({ maxInstances: 2, prewarmInstances: 0 });
  rt.registerExtension('never', ['get'], () => new Promise(() => {}));
  // two executions suspended on a JS extension hold both slots...
  const blockers = [1, 2].map(() => rt.executeHandler('return await $ext.never.get()', { capabilities: ['ext:never'] }));
  for (let i = 0; i < 400 && rt.getStats().instancesSuspended < 2; i++) await new Promise((r) => setTimeout(r, 5));
  assert.equal(rt.getStats().instancesSuspended, 2);
  // ...so these wait for one (they would have run by now otherwise)
  const waiting = Array.from({ length: 20 }, (_, i) => rt.executeHandler('return $args.i', { args: { i } }));
  await new Promise((r) => setTimeout(r, 30));
  const all = Promise.allSettled([...blockers, ...waiting]);
  await rt.shutdown();
  for (const s of await all) {
    assert.equal(s.status, 'rejected');
    assert.equal(s.reason.code, 'SHUT_DOWN');
  }
  assert.equal(rt.getStats().executions, 2, 'none of the waiting ones ran');
});
