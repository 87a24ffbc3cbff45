// structuredClone (HTML)
verifyFunction(globalThis, 'structuredClone', 'structuredClone', 1, { enumerable: true });
assert.throws(TypeError, () => structuredClone(), 'the value is required');
// primitives
for (const v of [undefined, null, true, 0, -0, NaN, 1.5, 'str', 123n, '\uD800'])
  assert.sameValue(structuredClone(v), v, String(v));
assert.throwsDOM('DataCloneError', () => structuredClone(Symbol()), 'a symbol');
// objects and arrays: deep, own enumerable string keys, prototype not kept
class Point { constructor() { this.x = 1; } get y() { return 2; } }
const p = structuredClone(new Point());
assert.sameValue(Object.getPrototypeOf(p), Object.prototype);
assert.json(p, { x: 1 });
const src = { a: [1, { b: 2 }], s: 'x', [Symbol('k')]: 1 };
Object.defineProperty(src, 'hidden', { value: 1, enumerable: false });
const c = structuredClone(src);
assert.notSameValue(c, src);
assert.notSameValue(c.a, src.a);
assert.json(c, { a: [1, { b: 2 }], s: 'x' });
assert.sameValue(Object.getOwnPropertySymbols(c).length, 0, 'symbol keys are dropped');
assert.sameValue(Object.hasOwn(c, 'hidden'), false, 'non-enumerable keys are dropped');
// getters run, once, and a key deleted meanwhile is skipped
let getterRuns = 0;
const withGetter = { get a() { getterRuns++; delete this.b; return 1; }, b: 2, c: 3 };
assert.json(structuredClone(withGetter), { a: 1, c: 3 });
assert.sameValue(getterRuns, 1);
// arrays keep their length and holes
const holes = [1, , 3];
holes.length = 5;
holes.extra = 'x';
const h = structuredClone(holes);
assert.sameValue(Array.isArray(h), true);
assert.sameValue(h.length, 5);
assert.sameValue(Object.hasOwn(h, 1), false, 'a hole stays a hole');
assert.sameValue(h.extra, 'x', 'non-index properties too');
// shared references and cycles
const shared = { n: 1 };
const graph = { a: shared, b: shared };
graph.self = graph;
const gc = structuredClone(graph);
assert.sameValue(gc.a, gc.b);
assert.sameValue(gc.self, gc);
const ring = new Map();
ring.set('me', ring);
const rc = structuredClone(ring);
assert.sameValue(rc.get('me'), rc);
// built-in kinds
const date = structuredClone(new Date(86400000));
assert.sameValue(date instanceof Date, true);
assert.sameValue(date.getTime(), 86400000);
assert.sameValue(Number.isNaN(structuredClone(new Date(NaN)).getTime()), true);
const re = /a+b/giy;
re.lastIndex = 3;
const rec = structuredClone(re);
assert.sameValue(rec instanceof RegExp, true);
assert.sameValue(rec.source, 'a+b');
assert.sameValue(rec.flags, 'giy');
assert.sameValue(rec.lastIndex, 0, 'lastIndex is not kept');
assert.sameValue(structuredClone(/x/d).hasIndices, true);
for (const w of [Object(true), Object(2), Object('s'), Object(3n)]) {
  const cw = structuredClone(w);
  assert.sameValue(typeof cw, 'object');
  assert.sameValue(cw.valueOf(), w.valueOf());
  assert.sameValue(Object.getPrototypeOf(cw), Object.getPrototypeOf(w));
}
assert.throwsDOM('DataCloneError', () => structuredClone(Object(Symbol())));
const m = new Map([[{ k: 1 }, new Set([1, 2])]]);
const mc = structuredClone(m);
assert.sameValue(mc instanceof Map, true);
const [[mk, mv]] = [...mc];
assert.json(mk, { k: 1 });
assert.compareArray([...mv], [1, 2]);
// errors: name (known ones), message, and stack are kept
const e = structuredClone(new RangeError('bad', { cause: 1 }));
assert.sameValue(e instanceof RangeError, true);
assert.sameValue(e.message, 'bad');
assert.sameValue(Object.hasOwn(e, 'message'), true);
const named = new Error('x');
named.name = 'TypeError';
assert.sameValue(structuredClone(named) instanceof TypeError, true, 'the name picks the prototype');
const custom = new Error('y');
custom.name = 'MyError';
assert.sameValue(Object.getPrototypeOf(structuredClone(custom)), Error.prototype, 'unknown names become Error');
assert.sameValue(Object.hasOwn(structuredClone(new Error()), 'message'), false);
assert.sameValue(structuredClone(new AggregateError([])).constructor, Error);
// binary data: buffers, views sharing a buffer, offsets
const buf = new ArrayBuffer(8);
const u8 = new Uint8Array(buf);
u8.set([1, 2, 3, 4, 5, 6, 7, 8]);
const views = structuredClone({ whole: u8, part: new Int16Array(buf, 2, 2), dv: new DataView(buf, 1, 3), buf });
assert.notSameValue(views.buf, buf);
assert.sameValue(views.whole.buffer, views.buf, 'the views share the cloned buffer');
assert.sameValue(views.part.buffer, views.buf);
assert.sameValue(views.part.byteOffset, 2);
assert.sameValue(views.part.length, 2);
assert.sameValue(views.dv.byteOffset, 1);
assert.sameValue(views.dv.byteLength, 3);
assert.sameValue(views.dv.getUint8(0), 2);
u8[0] = 99;
assert.sameValue(views.whole[0], 1, 'a copy, not shared memory');
for (const TA of typedArrayKinds) {
  const t = structuredClone(new TA([num(TA, 1), num(TA, 2)]));
  assert.sameValue(Object.getPrototypeOf(t), TA.prototype, TA.name);
  assert.compareArray(t, [num(TA, 1), num(TA, 2)], TA.name);
}
const detached = new ArrayBuffer(2);
const viewOfDetached = new Uint8Array(detached);
const dataViewOfDetached = new DataView(detached);
detach(detached);
assert.throwsDOM('DataCloneError', () => structuredClone(detached));
assert.throwsDOM('DataCloneError', () => structuredClone(viewOfDetached));
assert.throwsDOM('DataCloneError', () => structuredClone(dataViewOfDetached));
assert.throwsDOM('DataCloneError', () => structuredClone(new SharedArrayBuffer(1)));
// what cannot be cloned
for (const [label, v] of [['function', () => 1], ['class', class {}], ['promise', Promise.resolve()],
  ['weakmap', new WeakMap()], ['weakset', new WeakSet()], ['proxy', new Proxy({}, {})],
  ['generator', (function* () {})()], ['nested function', { f() {} }], ['in a map', new Map([[1, () => 1]])]])
  assert.throwsDOM('DataCloneError', () => structuredClone(v), label);
if (!raw) {
  assert.throwsDOM('DataCloneError', () => structuredClone($state), 'the handler API');
  assert.throwsDOM('DataCloneError', () => structuredClone($ext));
}
// transfer: buffers move and the originals are detached
const moving = new ArrayBuffer(4);
new Uint8Array(moving).set([9, 8, 7, 6]);
const view = new Uint8Array(moving, 1, 2);
const moved = structuredClone({ view }, { transfer: [moving] });
assert.sameValue(moving.byteLength, 0, 'detached');
assert.sameValue(view.length, 0, 'its views too');
assert.compareArray(moved.view, [8, 7]);
assert.sameValue(moved.view.buffer.byteLength, 4);
const alone = new ArrayBuffer(3);
assert.sameValue(structuredClone(1, { transfer: [alone] }), 1);
assert.sameValue(alone.byteLength, 0, 'a transferred buffer is detached even when not in the value');
const same = new ArrayBuffer(1);
assert.throwsDOM('DataCloneError', () => structuredClone(same, { transfer: [same, same] }), 'twice');
assert.sameValue(same.byteLength, 1, 'nothing detached on failure');
assert.throwsDOM('DataCloneError', () => structuredClone(1, { transfer: [new Uint8Array(1)] }), 'a view is not transferable');
assert.throwsDOM('DataCloneError', () => structuredClone(1, { transfer: [new SharedArrayBuffer(1)] }));
assert.throwsDOM('DataCloneError', () => structuredClone(1, { transfer: [detached] }), 'already detached');
const kept = new ArrayBuffer(1);
assert.throwsDOM('DataCloneError', () => structuredClone([kept, () => 1], { transfer: [kept] }));
assert.sameValue(kept.byteLength, 1, 'not detached when cloning failed');
assert.throws(TypeError, () => structuredClone(1, { transfer: [1] }), 'items must be objects');
assert.throws(TypeError, () => structuredClone(1, { transfer: 1 }), 'transfer must be a sequence');
assert.throws(TypeError, () => structuredClone(1, 1), 'options must be an object');
assert.sameValue(structuredClone(1, null), 1);
assert.sameValue(structuredClone(1, { transfer: undefined }), 1);
assert.sameValue(structuredClone(1, { transfer: new Set() }), 1, 'any iterable');
// nesting limits are a RangeError, not a crash
let deep = {};
for (let i = 0; i < 5000; i++) deep = { deep };
assert.throws(RangeError, () => structuredClone(deep));
let ok = {};
for (let i = 0; i < 500; i++) ok = [ok];
assert.sameValue(Array.isArray(structuredClone(ok)), true);
return 'ok';
