// Promise.withResolvers (ES2024), Promise.try (ES2025)
verifyFunction(Promise, 'withResolvers', 'withResolvers', 0);
verifyFunction(Promise, 'try', 'try', 1);
const r = Promise.withResolvers();
assert.compareArray(Object.keys(r), ['promise', 'resolve', 'reject'], 'a plain object, in this order');
assert.sameValue(Object.getPrototypeOf(r), Object.prototype);
assert.sameValue(r.promise instanceof Promise, true);
r.resolve(42);
assert.sameValue(await r.promise, 42);
const r2 = Promise.withResolvers();
r2.reject(new RangeError('no'));
await assert.rejects(RangeError, r2.promise);
// the this value is the constructor (a subclass, or any constructor that calls its executor)
class MyPromise extends Promise {}
assert.sameValue(MyPromise.withResolvers().promise instanceof MyPromise, true);
let executorLength, executorName;
function Thenish(executor) { executorLength = executor.length; executorName = executor.name; executor(() => 'res', () => 'rej'); }
const t = Promise.withResolvers.call(Thenish);
assert.sameValue(t.promise instanceof Thenish, true);
assert.sameValue(t.resolve(), 'res');
assert.sameValue(executorLength, 2, 'GetCapabilitiesExecutor length');
assert.sameValue(executorName, '', 'GetCapabilitiesExecutor name');
assert.throws(TypeError, () => Promise.withResolvers.call(undefined));
assert.throws(TypeError, () => Promise.withResolvers.call({}), 'not a constructor');
assert.throws(TypeError, () => Promise.withResolvers.call(function (executor) { executor(1, 2); }), 'resolve not callable');
assert.throws(TypeError, () => Promise.withResolvers.call(function (executor) { executor(() => {}); executor(() => {}); }), 'executor called twice with resolve set');
assert.throws(TypeError, () => Promise.withResolvers.call(function () {}), 'executor never called');

// Promise.try: calls at once, with the arguments, and captures throws
const order = [];
const p = Promise.try((...args) => { order.push('called'); return args.join('+'); }, 1, 2, 3);
order.push('after');
assert.compareArray(order, ['called', 'after'], 'the callback runs synchronously');
assert.sameValue(await p, '1+2+3');
await assert.rejects(TypeError, Promise.try(() => { throw new TypeError('sync throw'); }));
assert.sameValue(await Promise.try(() => Promise.resolve('inner')), 'inner', 'a returned promise is adopted');
await assert.rejects(TypeError, Promise.try(42), 'a non-callable rejects (the call throws)');
let thisSeen = 'unset';
await Promise.try(function () { 'use strict'; thisSeen = this; });
assert.sameValue(thisSeen, undefined, 'called with undefined this');
assert.sameValue(MyPromise.try(() => 1) instanceof MyPromise, true);
assert.throws(TypeError, () => Promise.try.call(1, () => {}), 'this must be an object');
assert.throws(TypeError, () => Promise.try.call({}, () => {}), 'this must be a constructor');
let called = false;
assert.throws(TypeError, () => Promise.try.call({}, () => { called = true; }));
assert.sameValue(called, false, 'not called when the capability fails');
return 'ok';
