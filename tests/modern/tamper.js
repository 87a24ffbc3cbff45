// The additions hold up against what a handler may change: globals can
// be reassigned and its own objects shaped at will; built-ins use their
// captured intrinsics (and the specification's lookups only).
const saved = {};
const names = ['Array', 'Map', 'Set', 'Promise', 'Object', 'TypeError', 'RangeError', 'Symbol', 'Reflect', 'Uint8Array', 'String', 'Date', 'RegExp'];
for (const name of names) saved[name] = globalThis[name];
const S = saved;
try {
  for (const name of names) globalThis[name] = function () { throw new Error(name + ' global was used'); };
  assert.compareArray([3, 1, 2].toSorted(), [1, 2, 3]);
  assert.compareArray([1, 2].toReversed(), [2, 1]);
  assert.sameValue([1, 2].at(-1), 2);
  assert.sameValue(S.Object.keys(S.Object.groupBy([1], () => 'k'))[0], 'k');
  assert.sameValue(S.Map.groupBy([1], () => 'k').get('k')[0], 1);
  assert.sameValue(new S.Set([1]).union(new S.Set([2])).size, 2);
  assert.sameValue(S.Promise.withResolvers().promise instanceof S.Promise, true);
  assert.compareArray(await S.Array.fromAsync([1, 2]), [1, 2]);
  assert.compareArray(new S.Uint8Array([2, 1]).toSorted(), [1, 2]);
  assert.sameValue(structuredClone(new S.Date(5)).getTime(), 5);
  assert.sameValue(structuredClone(new S.Map([[1, 2]])).get(1), 2);
  assert.sameValue(new URL('http://h/?a=1').searchParams.get('a'), '1');
  assert.sameValue(new TextDecoder().decode(new TextEncoder().encode('ok')), 'ok');
  assert.sameValue(crypto.randomUUID().length, 36);
  S.Reflect.apply(() => assert.sameValue(atob(btoa('x')), 'x'), undefined, []);
} finally {
  for (const name of names) globalThis[name] = saved[name];
}
// own properties on the objects passed in are used only where the specification looks them up
const arr = [3, 1, 2];
arr[Symbol.iterator] = () => { throw new Error('iterator used'); };
arr.constructor = function () { throw new Error('constructor used'); };
assert.compareArray(arr.toSorted(), [1, 2, 3]);
assert.compareArray(arr.with(0, 0), [0, 1, 2]);
const set = new Set([1, 2]);
set.has = () => { throw new Error('own has used'); };
set.add = () => { throw new Error('own add used'); };
set.values = set.keys = set[Symbol.iterator] = () => { throw new Error('own iteration used'); };
Object.defineProperty(set, 'size', { get() { throw new Error('own size used'); } });
assert.sameValue(set.union(new Set([3])).size, 3, 'the receiver is read through [[SetData]]');
assert.sameValue(set.isSubsetOf(new Set([1, 2, 3])), true);
const re = /a/g;
Object.defineProperty(re, 'flags', { value: 'y' });
Object.defineProperty(re, 'source', { value: 'zzz' });
const rc = structuredClone(re);
assert.sameValue(rc.source, 'a', 'the original source');
assert.sameValue(rc.flags, 'g', 'the original flags');
const ta = new Uint8Array([2, 1]);
Object.defineProperty(ta, 'length', { value: 100 });
Object.setPrototypeOf(ta, Float64Array.prototype);
const sorted = Uint8Array.prototype.toSorted.call(ta);
assert.sameValue(Object.getPrototypeOf(sorted), Uint8Array.prototype);
assert.compareArray(sorted, [1, 2]);
const date = new Date(7);
date.getTime = () => 1;
assert.sameValue(structuredClone(date).getTime(), 7);
// a thenable: Promise.withResolvers' promise resolves through the usual protocol
const { promise, resolve } = Promise.withResolvers();
resolve({ then(r) { r('thenable'); } });
assert.sameValue(await promise, 'thenable');
return 'ok';
