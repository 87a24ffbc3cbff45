// values.test.js - values cross exactly or are refused, checked with
// fast-check over arbitrary JSON-like values, BigInts, typed arrays, Dates
// and nested Maps: Node -> handler -> Node round trips through $args, the
// answers of JS extensions and of $host functions, values the handler
// builds itself, and refusals (SERIALIZATION_ERROR naming the path) for
// BigInts beyond 64 bits, lone surrogates, cycles, functions and class
// instances.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fc = require('fast-check');
const { NexusRuntime } = require('..');

const RUNS = Number(process.env.NEXUS_PROPERTY_RUNS || 150);
const U64_MAX = (1n << 64n) - 1n;
const I64_MIN = -(1n << 63n);

let rt;
before(() => {
  rt = new NexusRuntime({ maxInstances: 4 });
  rt.registerExtension('echo', ['back'], (method, [v]) => v);
  rt.registerInterface('test:values/echo', { back: (v) => v });
});
after(() => rt.shutdown());

// What a value becomes on the way back (docs/values.md): Maps and objects
// arrive as plain objects, binary data as Uint8Array, BigInts within
// +-2^53 as numbers, undefined array members as null, undefined object
// members left out. Everything else is unchanged (-0, NaN, Dates, BigInts).
function expected(v) {
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  if (v === undefined) return null;
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Date) return v;
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));
  if (Array.isArray(v)) return v.map(expected);
  const out = {};
  const entries = v instanceof Map ? [...v.entries()] : Object.entries(v);
  for (const [k, x] of entries) {
    if (x === undefined) continue;
    Object.defineProperty(out, k, { value: expected(x), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

const key = fc.string({ maxLength: 8 });
const leaf = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.double(), // -0, NaN, +-Infinity included
  fc.integer(),
  fc.maxSafeInteger(),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.bigInt({ min: I64_MIN, max: U64_MAX }),
  fc.date({ noInvalidDate: true, min: new Date(-8.64e14), max: new Date(8.64e14) }),
  fc.uint8Array({ maxLength: 16 }),
  fc.float64Array({ maxLength: 4 }),
  fc.int16Array({ maxLength: 4 }),
);
const { value: anyValue } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('array'), tie('object'), tie('map')),
  array: fc.array(tie('value'), { maxLength: 5 }),
  object: fc.dictionary(key, tie('value'), { maxKeys: 5 }),
  map: fc.array(fc.tuple(key, tie('value')), { maxLength: 4 }).map((pairs) => new Map(pairs)),
}));

function same(actual, value) {
  assert.deepStrictEqual(actual, expected(value));
}

test('values cross Node -> handler -> Node exactly ($args and the return value)', async () => {
  await fc.assert(fc.asyncProperty(anyValue, async (v) => {
    const r = await rt.executeHandler('return $args.v', { args: { v } });
    assert.equal(r.status, 'success', JSON.stringify(r.error));
    same(r.returnValue, v);
  }), { numRuns: RUNS });
});

test('values cross exactly through $state and state mutations', async () => {
  await fc.assert(fc.asyncProperty(anyValue, async (v) => {
    const r = await rt.executeHandler('$state.out = $state.v; return null',
      { state: { v }, capabilities: ['state:read:v', 'state:write:out'] });
    assert.equal(r.status, 'success', JSON.stringify(r.error));
    same(r.stateMutations[0].value, v);
  }), { numRuns: RUNS });
});

test('an extension handler\'s answer and a $host function\'s result cross exactly', async () => {
  await fc.assert(fc.asyncProperty(anyValue, async (v) => {
    const r = await rt.executeHandler('return [await $ext.echo.back($args.v), $host["test:values/echo"].back($args.v)]',
      { args: { v }, capabilities: ['ext:echo', 'host:test:values/echo'] });
    assert.equal(r.status, 'success', JSON.stringify(r.error));
    same(r.returnValue[0], expected(v));
    same(r.returnValue[1], expected(v));
  }), { numRuns: Math.ceil(RUNS / 3) });
});

test('BigInts the handler makes cross exactly within 64 bits and are refused beyond', async () => {
  await fc.assert(fc.asyncProperty(fc.bigInt({ min: -(1n << 80n), max: 1n << 80n }), async (n) => {
    const r = await rt.executeHandler('return BigInt($args.s)', { args: { s: n.toString() } });
    if (n >= I64_MIN && n <= U64_MAX) {
      assert.equal(r.status, 'success', JSON.stringify(r.error));
      same(r.returnValue, n);
    } else {
      assert.equal(r.status, 'error');
      assert.equal(r.error.code, 'SERIALIZATION_ERROR');
    }
  }), { numRuns: RUNS });
});

// A value with `bad` somewhere inside, and the path that reaches it.
const placed = (bad) => fc.array(fc.oneof(fc.constant('list'), fc.constant('x y'), fc.nat(3)), { maxLength: 4 })
  .map((steps) => {
    let value = bad;
    let path = '';
    for (const step of [...steps].reverse()) {
      if (typeof step === 'number') {
        const arr = new Array(step + 1).fill(0);
        arr[step] = value;
        value = arr;
        path = `[${step}]${path}`;
      } else {
        value = { [step]: value };
        path = (/^[A-Za-z_$][\w$]*$/.test(step) ? `.${step}` : `[${JSON.stringify(step)}]`) + path;
      }
    }
    return { value, path: `args.v${path}` };
  });

test('what cannot cross is refused with SERIALIZATION_ERROR naming its path', async () => {
  const bads = fc.oneof(
    fc.oneof(fc.bigInt({ min: U64_MAX + 1n, max: 1n << 200n }), fc.bigInt({ min: -(1n << 200n), max: I64_MIN - 1n })),
    fc.constantFrom('\ud800', 'a\udc00b', () => 1, Symbol('s'), new (class Thing {})(), new Date(NaN)),
  );
  await fc.assert(fc.asyncProperty(bads.chain(placed), async ({ value, path }) => {
    await assert.rejects(rt.executeHandler('return 1', { args: { v: value } }), (e) => {
      assert.equal(e.code, 'SERIALIZATION_ERROR');
      assert.ok(e.message.startsWith(`${path} `), `${e.message} should name ${path}`);
      return true;
    });
  }), { numRuns: RUNS });
});

test('refusals: the example from the issue, cycles, non-string Map keys, extension answers', async () => {
  await assert.rejects(rt.executeHandler('return $args.big', { args: { big: 2n ** 70n } }),
    (e) => e.code === 'SERIALIZATION_ERROR' && /^args\.big /.test(e.message));
  const cyclic = { a: [] };
  cyclic.a.push(cyclic);
  await assert.rejects(rt.executeHandler('return 1', { state: { c: cyclic } }),
    (e) => e.code === 'SERIALIZATION_ERROR' && /^state\.c\.a\[0\] .*cyclic/.test(e.message));
  await assert.rejects(rt.executeHandler('return 1', { args: { m: new Map([[1, 2]]) } }),
    (e) => e.code === 'SERIALIZATION_ERROR' && /Map key/.test(e.message));
  const local = new NexusRuntime({ prewarmInstances: 1 });
  local.registerExtension('big', ['get'], () => ({ n: 2n ** 65n }));
  const r = await local.executeHandler('try { await $ext.big.get(); return "no" } catch (e) { return e.message }',
    { capabilities: ['ext:big'] });
  assert.match(r.returnValue, /big\.get\(\) result\.n .*64 bits/);
  await local.shutdown();
});

test('resumeHandler refuses an answer that cannot cross and leaves the execution waiting', async () => {
  rt.registerExtension('manual', ['get'], null);
  const r = await rt.executeHandler('return await $ext.manual.get()', { capabilities: ['ext:manual'] });
  assert.equal(r.status, 'suspended');
  const id = r.pendingCalls[0].id;
  await assert.rejects(rt.resumeHandler(id, { success: true, value: { x: [2n ** 64n] } }),
    (e) => e.code === 'SERIALIZATION_ERROR' && /^asyncResult\.value\.x\[0\] /.test(e.message));
  const done = await rt.resumeHandler(id, { success: true, value: { x: [2n ** 64n - 1n] } });
  assert.deepEqual(done.returnValue, { x: [2n ** 64n - 1n] });
});

test('results decode the same through the result decoder and the generic one, other layouts included', async () => {
  const values = require('../lib/values.js');
  const local = new NexusRuntime();
  local.registerExtension('db', ['get'], null);
  const handlers = [
    "for (let i = 0; i < 20; i++) { $state['k' + i] = { i, s: 'x'.repeat(i) }; $emit('e' + i, [i]); console.log('log', i); }\n" +
      "$view.command('list', 'refresh', { n: 1 }); $state.gone = undefined; return { big: 2n ** 60n, d: new Date(0), b: new Uint8Array([1, 2]) };",
    "$log.warn('about to fail');\nconst x = 1;\nnull.boom;",
    'return (',
    "const [a, b] = await Promise.all([$ext.db.get('a'), $ext.db.get('b')]); return a + b;",
  ];
  try {
    for (const code of handlers) {
      const r = await local.executeHandler(code, { capabilities: ['state:write:*', 'events:emit:*', 'view:update:*', 'ext:db'] });
      const buf = Buffer.from(values.encode(r, 'result'));
      assert.deepEqual(values.decodeResult(buf), values.decode(buf), code);
      // a layout the result decoder does not know: the generic one decodes it
      const other = Buffer.from(values.encode({ ...r, extra: [1] }, 'result'));
      assert.deepEqual(values.decodeResult(other), { ...r, extra: [1] });
      const renamed = Buffer.from(values.encode({ ...r, metrics: { ...r.metrics, hostCalls: undefined, hostCallz: 1 } }, 'result'));
      assert.equal(values.decodeResult(renamed).metrics.hostCallz, 1);
    }
  } finally {
    await local.shutdown();
  }
});
