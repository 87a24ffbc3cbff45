// Array.fromAsync
verifyFunction(Array, 'fromAsync', 'fromAsync', 1);
assert.throws(TypeError, () => new Array.fromAsync([]), 'not a constructor');
const p = Array.fromAsync([]);
assert.sameValue(p instanceof Promise, true);
assert.compareArray(await p, []);
// sync iterables: values awaited; async iterables: not
assert.compareArray(await Array.fromAsync([1, Promise.resolve(2), 3]), [1, 2, 3]);
async function* gen() { yield 1; yield Promise.resolve(2); }
const fromGen = await Array.fromAsync(gen());
assert.sameValue(fromGen[0], 1);
assert.sameValue(fromGen[1], 2, 'an async generator awaits what it yields');
const asyncIterable = {
  [Symbol.asyncIterator]() {
    let i = 0;
    return { next: () => Promise.resolve(i < 2 ? { value: Promise.resolve(i++), done: false } : { done: true }) };
  },
};
const raw2 = await Array.fromAsync(asyncIterable);
assert.sameValue(raw2[0] instanceof Promise, true, 'values of an async iterator are not awaited');
// mapping: (value, index), thisArg, and its result awaited
const thisArg = { k: 10 };
assert.compareArray(await Array.fromAsync([1, 2], function (v, i) { return Promise.resolve(v * this.k + i); }, thisArg), [10, 21]);
assert.compareArray(await Array.fromAsync(asyncIterable, (v) => v), [0, 1], "the mapper's result is awaited");
// array-likes
assert.compareArray(await Array.fromAsync({ length: 3, 0: 'a', 1: Promise.resolve('b'), 3: 'ignored' }), ['a', 'b', undefined]);
assert.compareArray(await Array.fromAsync('ab😀'), ['a', 'b', '😀'], 'a string iterates by code point');
// errors reject the promise, never throw synchronously
await assert.rejects(TypeError, Array.fromAsync([], 'not callable'));
await assert.rejects(TypeError, Array.fromAsync(null));
await assert.rejects(TypeError, Array.fromAsync(undefined));
await assert.rejects(TypeError, Array.fromAsync({ [Symbol.iterator]: 1 }), 'non-callable @@iterator');
await assert.rejects(TypeError, Array.fromAsync({ [Symbol.asyncIterator]: 1 }));
await assert.rejects(RangeError, Array.fromAsync([Promise.reject(new RangeError())]));
await assert.rejects(RangeError, Array.fromAsync([1], () => { throw new RangeError(); }));
await assert.rejects(RangeError, Array.fromAsync({ length: 1, get 0() { throw new RangeError(); } }));
// the iterator is closed when mapping fails, not when next() fails
let closed = 0;
const closable = () => ({
  [Symbol.iterator]() {
    let i = 0;
    return { next: () => ({ value: i++, done: i > 3 }), return() { closed++; return {}; } };
  },
});
await assert.rejects(RangeError, Array.fromAsync(closable(), () => { throw new RangeError(); }));
assert.sameValue(closed, 1, 'closed after the mapper threw');
await assert.rejects(RangeError, Array.fromAsync(closable(), () => Promise.reject(new RangeError())));
assert.sameValue(closed, 2, 'closed after the mapper rejected');
await assert.rejects(SyntaxError, Array.fromAsync({ [Symbol.iterator]() { return { next() { throw new SyntaxError(); }, return() { closed++; } }; } }));
assert.sameValue(closed, 2, 'not closed after next() threw');
// a sync iterator is closed when a value rejects
let syncClosed = 0;
await assert.rejects(EvalError, Array.fromAsync({
  [Symbol.iterator]() { return { next: () => ({ value: Promise.reject(new EvalError()), done: false }), return() { syncClosed++; return {}; } }; },
}));
assert.sameValue(syncClosed, 1);
// the this value: a constructor builds the result, else an Array
function C() { this.made = true; }
const viaC = await Array.fromAsync.call(C, [1, 2]);
assert.sameValue(viaC instanceof C, true);
assert.sameValue(viaC.length, 2, 'length set at the end');
assert.sameValue(viaC[1], 2);
let lenArg;
function D(n) { lenArg = n; }
await Array.fromAsync.call(D, { length: 2, 0: 'x', 1: 'y' });
assert.sameValue(lenArg, 2, 'an array-like constructs with its length');
const viaPlain = await Array.fromAsync.call({}, [1]);
assert.sameValue(Array.isArray(viaPlain), true, 'a non-constructor this gives an Array');
assert.sameValue(Object.getPrototypeOf(await Array.fromAsync.call(undefined, [1])), Array.prototype);
// elements are defined, not set: setters on the result are not triggered
function E() { Object.defineProperty(this, '0', { set() { throw new Error('setter called'); }, configurable: true }); }
const viaE = await Array.fromAsync.call(E, [5]);
assert.sameValue(viaE[0], 5);
// a non-configurable element makes it reject (and close the iterator)
function F() { Object.defineProperty(this, '0', { value: 0, writable: false, configurable: false }); }
await assert.rejects(TypeError, Array.fromAsync.call(F, closable()));
assert.sameValue(closed, 3);
// order of the first operations on an iterable
const log = [];
const items = {
  get [Symbol.asyncIterator]() { log.push('get asyncIterator'); return undefined; },
  get [Symbol.iterator]() { log.push('get iterator'); return function () { log.push('call iterator'); return { get next() { log.push('get next'); return () => ({ done: true }); } }; }; },
};
await Array.fromAsync.call(function () { log.push('construct'); }, items);
assert.compareArray(log, ['get asyncIterator', 'get iterator', 'call iterator', 'get next', 'construct']);
// replacing globals does not reach it
const savedArray = globalThis.Array;
try {
  globalThis.Array = function () { throw new Error('global Array used'); };
  assert.sameValue((await savedArray.fromAsync.call(undefined, { length: 1, 0: 1 })).length, 1);
} finally {
  globalThis.Array = savedArray;
}
return 'ok';
