// test-fixtures/shutdown-in-flight.js - run as a child process by
// shutdown.test.js: starts 200 executions, calls shutdown() without
// awaiting them, awaits everything, prints a JSON summary and lets the
// process exit on its own (the parent checks the exit status).
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { NexusRuntime } = require('..');

const COUNTER = fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'counter.js'), 'utf8');
const CAPS = ['state:read:count', 'state:write:count', 'events:emit:*'];
const withExtension = process.argv[2] === 'ext';

(async () => {
  const rt = new NexusRuntime({ maxInstances: 16 });
  rt.registerExtension('slow', ['get'], (method, [i]) => new Promise((resolve) => setTimeout(() => resolve(i), 5)));
  const source = withExtension ? 'const v = await $ext.slow.get($args.step); ' + COUNTER.replace('$args.step ?? 1', 'v') : COUNTER;
  const caps = withExtension ? [...CAPS, 'ext:slow'] : CAPS;
  const promises = Array.from({ length: 200 }, (_, i) => rt.executeHandler(source, {
    state: { count: i }, args: { step: 1 + (i % 5) }, capabilities: caps,
  }));
  // let some start, finish or suspend first
  await new Promise((resolve) => setTimeout(resolve, Number(process.argv[3] || 0)));
  const done = rt.shutdown();
  const settled = await Promise.allSettled(promises);
  await done;
  const summary = { resolved: 0, rejected: 0, codes: {}, wrong: [] };
  settled.forEach((s, i) => {
    if (s.status === 'fulfilled') {
      summary.resolved++;
      if (s.value.status !== 'success' || s.value.returnValue !== i + 1 + (i % 5)) {
        summary.wrong.push({ i, status: s.value.status, value: s.value.returnValue, error: s.value.error });
      }
    } else {
      summary.rejected++;
      const code = s.reason && s.reason.code;
      summary.codes[code] = (summary.codes[code] || 0) + 1;
      if (typeof code !== 'string') summary.wrong.push({ i, reason: String(s.reason) });
    }
  });
  await assertRejects(() => rt.executeHandler(COUNTER, { capabilities: CAPS }), summary, 'executeHandler');
  await assertRejects(() => rt.precompileHandler('return 1'), summary, 'precompileHandler');
  await assertRejects(() => rt.resumeHandler('sx-1', { success: true, value: 1 }), summary, 'resumeHandler');
  summary.stats = rt.getStats();
  summary.prometheus = /nexus_executions_total/.test(rt.getPrometheusMetrics());
  await rt.shutdown(); // idempotent
  process.stdout.write(JSON.stringify(summary) + '\n');
})();

async function assertRejects(fn, summary, what) {
  try {
    await fn();
    summary.wrong.push({ what, problem: 'resolved after shutdown' });
  } catch (e) {
    if (e.code !== 'SHUT_DOWN') summary.wrong.push({ what, code: e.code, message: e.message });
  }
}
