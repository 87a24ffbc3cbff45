// toReversed, toSorted, toSpliced, with (ES2023): Array.prototype, and
// %TypedArray%.prototype (no toSpliced there)
const TypedArrayPrototype = Object.getPrototypeOf(Int8Array.prototype);
verifyFunction(Array.prototype, 'toReversed', 'toReversed', 0);
verifyFunction(Array.prototype, 'toSorted', 'toSorted', 1);
verifyFunction(Array.prototype, 'toSpliced', 'toSpliced', 2);
verifyFunction(Array.prototype, 'with', 'with', 2);
verifyFunction(TypedArrayPrototype, 'toReversed', 'toReversed', 0);
verifyFunction(TypedArrayPrototype, 'toSorted', 'toSorted', 1);
verifyFunction(TypedArrayPrototype, 'with', 'with', 2);
assert.sameValue(TypedArrayPrototype.toSpliced, undefined, 'no %TypedArray%.prototype.toSpliced');
const unscopables = Array.prototype[Symbol.unscopables];
for (const k of ['at', 'findLast', 'findLastIndex', 'toReversed', 'toSorted', 'toSpliced'])
  assert.sameValue(unscopables[k], true, 'unscopable ' + k);
assert.sameValue(Object.hasOwn(unscopables, 'with'), false, 'with is not unscopable');

// ---- Array.prototype.toReversed
const a = [1, 2, 3];
const r = a.toReversed();
assert.compareArray(r, [3, 2, 1]);
assert.compareArray(a, [1, 2, 3], 'the original stays');
assert.notSameValue(r, a);
assert.compareArray([1, , 3].toReversed(), [3, undefined, 1], 'holes become undefined');
assert.sameValue(Object.hasOwn([1, , 3].toReversed(), 1), true, 'no holes in the copy');
assert.compareArray(Array.prototype.toReversed.call({ length: 2, 0: 'a', 1: 'b' }), ['b', 'a']);
assert.compareArray(Array.prototype.toReversed.call('ab'), ['b', 'a']);
assert.throws(TypeError, () => Array.prototype.toReversed.call(null));
assert.throws(RangeError, () => Array.prototype.toReversed.call({ length: 2 ** 32 }), 'ArrayCreate limit');
// no species: a subclass gives a plain Array
class MyArray extends Array {}
assert.sameValue(Object.getPrototypeOf(MyArray.from([1]).toReversed()), Array.prototype);
const spec = [1, 2];
spec.constructor = { [Symbol.species]: function () { throw new Error('species used'); } };
spec.toReversed(); spec.toSorted(); spec.toSpliced(0, 0); spec.with(0, 0);

// ---- Array.prototype.toSorted
assert.compareArray([3, 1, 10, 2].toSorted(), [1, 10, 2, 3], 'string order by default');
assert.compareArray([3, 1, 10, 2].toSorted((x, y) => x - y), [1, 2, 3, 10]);
assert.compareArray([undefined, 3, , 1].toSorted(), [1, 3, undefined, undefined], 'undefined last, holes read as undefined');
assert.compareArray(['\uD83D\uDE00', '\uFFFF', 'a'].toSorted(), ['a', '\uD83D\uDE00', '\uFFFF'], 'code unit order');
const stable = [{ k: 1, n: 'a' }, { k: 0, n: 'b' }, { k: 1, n: 'c' }, { k: 0, n: 'd' }].toSorted((x, y) => x.k - y.k);
assert.sameValue(stable.map((e) => e.n).join(''), 'bdac', 'stable');
assert.throws(TypeError, () => [].toSorted(null), 'comparator checked');
assert.throws(TypeError, () => [].toSorted({}));
// the comparator is checked before this is converted
assert.throws(TypeError, () => Array.prototype.toSorted.call(null, 1));
let lengthRead = false;
assert.throws(TypeError, () => Array.prototype.toSorted.call({ get length() { lengthRead = true; return 0; } }, 'x'));
assert.sameValue(lengthRead, false);
// all elements are read before the first comparison
const log = [];
const src = { length: 3, get 0() { log.push('get0'); return 2; }, get 1() { log.push('get1'); return 1; }, get 2() { log.push('get2'); return 3; } };
Array.prototype.toSorted.call(src, (x, y) => { log.push('cmp'); return x - y; });
assert.compareArray(log.slice(0, 3), ['get0', 'get1', 'get2']);
assert.throws(RangeError, () => [2, 1].toSorted(() => { throw new RangeError(); }));
const orig = [2, 1];
orig.toSorted();
assert.compareArray(orig, [2, 1], 'the original stays');
assert.throws(RangeError, () => Array.prototype.toSorted.call({ length: 2 ** 32 }));

// ---- Array.prototype.toSpliced
const b = [1, 2, 3, 4, 5];
assert.compareArray(b.toSpliced(1, 2), [1, 4, 5]);
assert.compareArray(b.toSpliced(1, 2, 'x', 'y', 'z'), [1, 'x', 'y', 'z', 4, 5]);
assert.compareArray(b.toSpliced(-2), [1, 2, 3], 'no skipCount: to the end');
assert.compareArray(b.toSpliced(), [1, 2, 3, 4, 5], 'no arguments: a copy');
assert.compareArray(b.toSpliced(undefined), [], 'start undefined is 0, skip to the end');
assert.compareArray(b.toSpliced(1, undefined), [1, 2, 3, 4, 5], 'skipCount undefined is 0');
assert.compareArray(b.toSpliced(-100, 1), [2, 3, 4, 5], 'start clamped to 0');
assert.compareArray(b.toSpliced(100, 1, 'end'), [1, 2, 3, 4, 5, 'end'], 'start clamped to length');
assert.compareArray(b.toSpliced(2, -5, 'x'), [1, 2, 'x', 3, 4, 5], 'negative skipCount is 0');
assert.compareArray(b.toSpliced(2, Infinity), [1, 2]);
assert.compareArray(b.toSpliced(1.7, '1'), [1, 3, 4, 5], 'coercions');
assert.compareArray([1, , 3].toSpliced(0, 0), [1, undefined, 3]);
assert.compareArray(b, [1, 2, 3, 4, 5], 'the original stays');
assert.throws(TypeError, () => Array.prototype.toSpliced.call({ length: 2 ** 53 - 1 }, 0, 0, 1), 'beyond 2^53 - 1');
assert.throws(RangeError, () => Array.prototype.toSpliced.call({ length: 2 ** 32 }, 0, 0), 'beyond 2^32 - 1');
const conv = [];
Array.prototype.toSpliced.call({ get length() { conv.push('length'); return 0; } },
  { valueOf() { conv.push('start'); return 0; } }, { valueOf() { conv.push('skip'); return 0; } });
assert.compareArray(conv, ['length', 'start', 'skip']);

// ---- Array.prototype.with
assert.compareArray([1, 2, 3].with(1, 'x'), [1, 'x', 3]);
assert.compareArray([1, 2, 3].with(-1, 'x'), [1, 2, 'x']);
assert.throws(RangeError, () => [1, 2, 3].with(3, 0));
assert.throws(RangeError, () => [1, 2, 3].with(-4, 0));
assert.throws(RangeError, () => [].with(0, 0));
assert.compareArray([1, 2].with('1', 0), [1, 0]);
assert.compareArray([1, , 3].with(0, 0), [0, undefined, 3]);
assert.compareArray(Array.prototype.with.call({ length: 1, 0: 'a' }, 0, 'b'), ['b']);
assert.throws(RangeError, () => Array.prototype.with.call({ length: 2 ** 32 }, 0, 0));

// ---- TypedArrays
for (const TA of typedArrayKinds) {
  const t = new TA([num(TA, 3), num(TA, 1), num(TA, 2)]);
  const rev = t.toReversed();
  assert.sameValue(Object.getPrototypeOf(rev), TA.prototype, TA.name + ' kind kept');
  assert.compareArray(rev, [num(TA, 2), num(TA, 1), num(TA, 3)], TA.name);
  assert.compareArray(t.toSorted(), [num(TA, 1), num(TA, 2), num(TA, 3)], TA.name);
  assert.compareArray(t.with(0, num(TA, 7)), [num(TA, 7), num(TA, 1), num(TA, 2)], TA.name);
  assert.compareArray(t, [num(TA, 3), num(TA, 1), num(TA, 2)], TA.name + ' original');
}
assert.compareArray(new Float64Array([NaN, 1, -0, 0, -Infinity]).toSorted(), [-Infinity, -0, 0, 1, NaN], 'numeric order, NaN last');
assert.compareArray(new Int8Array([1, 2, 10]).toSorted(), [1, 2, 10], 'numeric, not string, order');
assert.compareArray(new Int8Array([1, 2, 3]).toSorted((x, y) => y - x), [3, 2, 1]);
assert.compareArray(new Int8Array([1, 2]).with(0, 300), [44, 2], 'converted to the element type');
assert.compareArray(new Uint8ClampedArray([1]).with(0, 300), [255]);
assert.compareArray(new BigInt64Array([1n]).with(0, 2n ** 63n), [-(2n ** 63n)]);
assert.throws(TypeError, () => new BigInt64Array(1).with(0, 1), 'a Number into a BigInt array');
assert.throws(SyntaxError, () => new BigInt64Array(1).with(0, 'x'), 'ToBigInt of a bad string');
assert.throws(TypeError, () => new Int8Array(1).with(0, 1n), 'a BigInt into a Number array');
assert.throws(RangeError, () => new Int8Array(2).with(2, 0));
assert.throws(RangeError, () => new Int8Array(2).with(-3, 0));
assert.throws(TypeError, () => new Int8Array(2).toSorted(null));
// species and prototypes are ignored
class MyTA extends Uint8Array {}
assert.sameValue(Object.getPrototypeOf(new MyTA(2).toReversed()), Uint8Array.prototype);
const moved = new Uint16Array([5, 6]);
Object.setPrototypeOf(moved, Int8Array.prototype);
assert.sameValue(Object.getPrototypeOf(TypedArrayPrototype.toReversed.call(moved)), Uint16Array.prototype, 'the kind, not the prototype');
// validation and detached buffers
for (const m of ['toReversed', 'toSorted', 'with'])
  assert.throws(TypeError, () => TypedArrayPrototype[m].call([1, 2], 0, 0), m + ' on an Array');
const d = new Uint8Array([1, 2]);
detach(d.buffer);
assert.throws(TypeError, () => d.toReversed());
assert.throws(TypeError, () => d.toSorted());
assert.throws(TypeError, () => d.with(0, 0));
// with: the value's conversion may detach; the index is then invalid
const e = new Uint8Array([1, 2]);
assert.throws(RangeError, () => e.with(0, { valueOf() { detach(e.buffer); return 9; } }));
// toSorted: the comparator may detach the original, the copy is sorted anyway
const f = new Uint8Array([3, 1, 2]);
assert.compareArray(f.toSorted((x, y) => { if (f.length) detach(f.buffer); return x - y; }), [1, 2, 3]);
return 'ok';
