// Object.groupBy, Map.groupBy (ES2024)
verifyFunction(Object, 'groupBy', 'groupBy', 2);
verifyFunction(Map, 'groupBy', 'groupBy', 2);
const g = Object.groupBy([1, 2, 3, 4, 5], (x, i) => (x % 2 ? 'odd' : 'even'));
assert.sameValue(Object.getPrototypeOf(g), null, 'null prototype');
assert.compareArray(Object.keys(g), ['odd', 'even'], 'keys in first-seen order');
assert.compareArray(g.odd, [1, 3, 5]);
assert.compareArray(g.even, [2, 4]);
const d = Object.getOwnPropertyDescriptor(g, 'odd');
assert(d.writable && d.enumerable && d.configurable, 'data properties');
assert.sameValue(Array.isArray(g.odd), true);
// callback gets (value, index) and no thisArg
const calls = [];
Object.groupBy('ab', function (v, i) { 'use strict'; calls.push([v, i, arguments.length, this]); return v; });
assert.json(calls, [['a', 0, 2, undefined], ['b', 1, 2, undefined]]);
// keys through ToPropertyKey, including symbols and __proto__
const sym = Symbol();
const k = Object.groupBy([1, 2, 3], (x) => (x === 1 ? sym : x === 2 ? '__proto__' : 1));
assert.compareArray(k[sym], [1]);
assert.compareArray(k.__proto__, [2], '__proto__ is an own property');
assert.compareArray(k['1'], [3]);
assert.sameValue(Object.keys(Object.groupBy([1], () => -0))[0], '0', '-0 becomes "0"');
// iterables, not array-likes
assert.throws(TypeError, () => Object.groupBy({ length: 1, 0: 1 }, (x) => x), 'an array-like is not iterable');
assert.throws(TypeError, () => Object.groupBy(null, (x) => x));
assert.throws(TypeError, () => Object.groupBy(undefined, (x) => x));
assert.throws(TypeError, () => Object.groupBy([], null), 'callback checked');
let iterated = false;
assert.throws(TypeError, () => Object.groupBy({ [Symbol.iterator]() { iterated = true; return [][Symbol.iterator](); } }, 'no'));
assert.sameValue(iterated, false, 'the callback is checked before iterating');
// the iterator is closed when the callback or ToPropertyKey throws
let closed = 0;
const iterable = () => ({
  [Symbol.iterator]() {
    let i = 0;
    return { next() { return { value: i++, done: i > 3 }; }, return() { closed++; return {}; } };
  },
});
assert.throws(RangeError, () => Object.groupBy(iterable(), () => { throw new RangeError(); }));
assert.sameValue(closed, 1, 'closed after the callback threw');
assert.throws(SyntaxError, () => Object.groupBy(iterable(), () => ({ toString() { throw new SyntaxError(); } })));
assert.sameValue(closed, 2, 'closed after ToPropertyKey threw');
// an error from next() does not close it
assert.throws(EvalError, () => Object.groupBy({ [Symbol.iterator]() { return { next() { throw new EvalError(); }, return() { closed++; } }; } }, (x) => x));
assert.sameValue(closed, 2);
// strings iterate by code point
assert.compareArray(Object.keys(Object.groupBy('a😀', (c) => c)), ['a', '😀']);

// Map.groupBy: keys by SameValueZero, -0 normalised
const m = Map.groupBy([1, 2, 3, 4], (x) => (x > 2 ? 'big' : 'small'));
assert.sameValue(Object.getPrototypeOf(m), Map.prototype);
assert.compareArray([...m.keys()], ['small', 'big']);
assert.compareArray(m.get('big'), [3, 4]);
const objKey = {};
const m2 = Map.groupBy([1, 2, 3, 4], (x) => (x === 1 ? -0 : x === 2 ? 0 : x === 3 ? NaN : objKey));
assert.compareArray(m2.get(0), [1, 2], '-0 and +0 are one key');
assert.sameValue(Object.is([...m2.keys()][0], 0), true, 'the key is +0');
assert.compareArray(m2.get(NaN), [3]);
assert.compareArray(m2.get(objKey), [4]);
class MyMap extends Map {}
assert.sameValue(Object.getPrototypeOf(MyMap.groupBy([], (x) => x)), Map.prototype, 'always a plain Map');
assert.throws(TypeError, () => Map.groupBy([1], {}));
assert.throws(TypeError, () => Map.groupBy(null, (x) => x));
return 'ok';
