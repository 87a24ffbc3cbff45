// The Set methods (ES2025)
const names = ['union', 'intersection', 'difference', 'symmetricDifference', 'isSubsetOf', 'isSupersetOf', 'isDisjointFrom'];
for (const n of names) verifyFunction(Set.prototype, n, n, 1);
const S = (...v) => new Set(v);
const list = (s) => [...s];
assert.compareArray(list(S(1, 2).union(S(2, 3))), [1, 2, 3]);
assert.compareArray(list(S(2, 3).intersection(S(3, 2))), [2, 3], 'the receiver order when it is the smaller or equal');
assert.compareArray(list(S(1, 2, 3).intersection(S(3, 2, 9, 8))), [2, 3]);
assert.compareArray(list(S(1, 2, 3).intersection(S(3, 2))), [3, 2], 'the argument order when it is smaller');
assert.compareArray(list(S(1, 2, 3, 4).intersection(S(3, 2))), [3, 2], 'the argument order when it is smaller');
assert.compareArray(list(S(1, 2, 3).difference(S(2))), [1, 3]);
assert.compareArray(list(S(1, 2, 3).difference(S(2, 9, 8, 7))), [1, 3]);
assert.compareArray(list(S(1, 2).symmetricDifference(S(2, 3))), [1, 3]);
assert.sameValue(S(1).isSubsetOf(S(1, 2)), true);
assert.sameValue(S(1, 3).isSubsetOf(S(1, 2)), false);
assert.sameValue(S(1, 2).isSupersetOf(S(1)), true);
assert.sameValue(S(1).isSupersetOf(S(1, 2)), false);
assert.sameValue(S(1).isDisjointFrom(S(2)), true);
assert.sameValue(S(1, 2).isDisjointFrom(S(2)), false);
assert.sameValue(S().isSubsetOf(S()), true);
assert.sameValue(S(NaN).isSubsetOf(S(NaN)), true, 'SameValueZero');
// results are new Sets, the receiver unchanged
const a = S(1);
const u = a.union(S(2));
assert.notSameValue(u, a);
assert.sameValue(Object.getPrototypeOf(u), Set.prototype);
assert.compareArray(list(a), [1]);
class MySet extends Set {}
assert.sameValue(Object.getPrototypeOf(new MySet([1]).union(S())), Set.prototype, 'no species');
// -0 from a set-like's keys becomes +0
const negZero = { size: 1, has: () => false, keys: () => [-0][Symbol.iterator]() };
assert.sameValue(Object.is(list(S().union(negZero))[0], 0), true);
// set-likes: size, has, keys, read in that order, and only those
const log = [];
const setLike = (size, values) => ({
  get size() { log.push('size'); return size; },
  get has() { log.push('get has'); return (v) => { log.push('has ' + v); return values.includes(v); }; },
  get keys() {
    log.push('get keys');
    return () => {
      log.push('keys()');
      let i = 0;
      return { next() { log.push('next'); return i < values.length ? { value: values[i++], done: false } : { done: true }; } };
    };
  },
});
assert.compareArray(list(S(1, 2).union(setLike(2, [3]))), [1, 2, 3]);
assert.compareArray(log, ['size', 'get has', 'get keys', 'keys()', 'next', 'next']);
log.length = 0;
assert.compareArray(list(S(1, 2).intersection(setLike(5, [2]))), [2], 'smaller receiver: has() per element');
assert.compareArray(log, ['size', 'get has', 'get keys', 'has 1', 'has 2']);
log.length = 0;
assert.compareArray(list(S(1, 2, 3).intersection(setLike(1, [2]))), [2], 'smaller argument: its keys');
assert.compareArray(log, ['size', 'get has', 'get keys', 'keys()', 'next', 'next']);
log.length = 0;
assert.sameValue(S(1, 2).isSupersetOf(setLike(3, [1])), false, 'larger argument: false at once');
assert.compareArray(log, ['size', 'get has', 'get keys']);
log.length = 0;
assert.sameValue(S(1, 2, 3).isSubsetOf(setLike(2, [1, 2, 3])), false, 'larger receiver: false at once');
// GetSetRecord errors
assert.throws(TypeError, () => S().union([1]), 'an array has no size');
assert.throws(TypeError, () => S().union({ size: undefined, has() {}, keys() {} }), 'size NaN');
assert.throws(TypeError, () => S().union({ size: 1n, has() {}, keys() {} }), 'size BigInt');
assert.throws(RangeError, () => S().union({ size: -1, has() {}, keys() {} }), 'negative size');
assert.throws(TypeError, () => S().union({ size: 1, has: 1, keys() {} }), 'has not callable');
assert.throws(TypeError, () => S().union({ size: 1, has() {}, keys: {} }), 'keys not callable');
assert.throws(TypeError, () => S().union(1));
assert.compareArray(list(S().union({ size: '1.9', has: () => false, keys: () => [7][Symbol.iterator]() })), [7], 'size coerced');
assert.compareArray(list(S(1).intersection({ size: Infinity, has: () => true, keys() { throw new Error('unused'); } })), [1]);
// the receiver must be a real Set
for (const n of names) {
  assert.throws(TypeError, () => Set.prototype[n].call(new Map(), S()), n + ' on a Map');
  assert.throws(TypeError, () => Set.prototype[n].call({ size: 0, has() {}, keys() {} }, S()), n + ' on a set-like');
}
// keys() must return an object; next's result must be an object
assert.throws(TypeError, () => S().union({ size: 0, has() {}, keys: () => 1 }));
assert.throws(TypeError, () => S().union({ size: 0, has() {}, keys: () => ({ next: () => 1 }) }));
// isSupersetOf / isDisjointFrom close the keys iterator when they answer early
let returned = 0;
const closing = (values) => ({
  size: values.length, has: () => false,
  keys() { let i = 0; return { next: () => (i < values.length ? { value: values[i++], done: false } : { done: true }), return() { returned++; return {}; } }; },
});
assert.sameValue(S(1).isSupersetOf(closing([2])), false);
assert.sameValue(returned, 1);
assert.sameValue(S(1, 2, 3).isDisjointFrom(closing([2])), false);
assert.sameValue(returned, 2);
assert.sameValue(S(1, 2, 3).isDisjointFrom(closing([9])), true);
assert.sameValue(returned, 2, 'not closed when exhausted');
// the receiver's changes during has() are seen, as the index walk sees them
const grow = S(1, 2);
const seen = [];
grow.intersection({ size: 10, has(v) { seen.push(v); if (v === 1) { grow.delete(2); grow.add(3); } return true; }, keys() {} });
assert.compareArray(seen, [1, 3], 'a deleted element is skipped, an added one visited');
// union copies the receiver after calling keys()
const late = S(1);
const r = late.union({ size: 0, has() {}, keys() { late.add(2); return [][Symbol.iterator](); } });
assert.compareArray(list(r), [1, 2]);
return 'ok';
