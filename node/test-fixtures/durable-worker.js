// test-fixtures/durable-worker.js - another worker process, for
// durable.test.js: its own NexusRuntime attached to the test's Redis store
// with the same key, the same extensions (answered by the caller), and one
// job: resume a suspension id with an outcome. It prints one JSON line,
// { ok: true, result } or { ok: false, code, message, result } (a recording
// as base64), then lingers until killed (SIGKILL: a worker that dies right
// after its work), so that nothing it would do on a clean exit counts.
// With job.go it first prints "ready" and waits for "go" on stdin, so that
// two workers can be made to race.
//
// Usage: node durable-worker.js REDIS_URL KEY_HEX JOB_JSON
'use strict';

const { NexusRuntime } = require('..');

const [url, keyHex, jobJson] = process.argv.slice(2);
const job = JSON.parse(jobJson);

function print(line) {
  process.stdout.write(`${JSON.stringify(line, (k, v) => {
    if (k === 'recording' && v && v.type === 'Buffer') return { base64: Buffer.from(v.data).toString('base64') };
    return v;
  })}\n`);
}

async function main() {
  const rt = new NexusRuntime({
    suspensionKey: Buffer.from(keyHex, 'hex'),
    suspensionStore: { redis: url, timeoutMs: 1000 },
  });
  rt.registerExtension('db', ['get'], null);
  rt.registerExtension('http', ['post'], null);
  if (job.go) {
    process.stdout.write('ready\n');
    await new Promise((resolve) => process.stdin.once('data', resolve));
  }
  try {
    print({ ok: true, result: await rt.resumeHandler(job.id, job.outcome) });
  } catch (e) {
    print({ ok: false, code: e.code, message: e.message, result: e.result });
  }
  setInterval(() => {}, 1 << 30); // linger until killed
}

main().catch((e) => {
  print({ ok: false, code: 'WORKER', message: String(e && e.stack) });
  process.exit(1);
});
