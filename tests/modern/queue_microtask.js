// queueMicrotask (HTML)
verifyFunction(globalThis, 'queueMicrotask', 'queueMicrotask', 1, { enumerable: true });
assert.throws(TypeError, () => queueMicrotask(), 'a callback is required');
for (const v of [undefined, null, 1, 'f', {}]) assert.throws(TypeError, () => queueMicrotask(v), String(v));
const order = [];
queueMicrotask(function () { 'use strict'; order.push(['task 1', this, arguments.length]); });
Promise.resolve().then(() => order.push('promise'));
queueMicrotask(() => order.push('task 2'));
order.push('sync');
assert.sameValue(queueMicrotask(() => {}), undefined);
await new Promise((resolve) => queueMicrotask(resolve));
assert.json(order, ['sync', ['task 1', undefined, 0], 'promise', 'task 2'], 'FIFO with promise reactions, no this, no arguments');
return 'ok';
