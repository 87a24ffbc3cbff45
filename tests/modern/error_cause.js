// Error cause (ES2022): the second argument's cause (own or inherited),
// installed as an own, writable, non-enumerable, configurable property
const ctors = [Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError];
for (const E of ctors) {
  const e = new E('m', { cause: 'why' });
  assert.sameValue(e.cause, 'why', E.name);
  const d = Object.getOwnPropertyDescriptor(e, 'cause');
  assert(d.writable && !d.enumerable && d.configurable, E.name + ' cause attributes');
  assert.sameValue(E('m', { cause: 1 }).cause, 1, E.name + ' called as a function');
}
const agg = new AggregateError([1], 'm', { cause: 0 });
assert.sameValue(agg.cause, 0, 'AggregateError: options are the third argument');
assert.compareArray(agg.errors, [1]);
assert.sameValue(Object.hasOwn(new AggregateError([], { cause: 1 }), 'cause'), false, 'the second argument is the message');
assert.sameValue(Object.hasOwn(new Error('m'), 'cause'), false, 'absent without options');
assert.sameValue(Object.hasOwn(new Error('m', {}), 'cause'), false, 'absent without a cause property');
assert.sameValue(Object.hasOwn(new Error('m', 'cause'), 'cause'), false, 'a primitive is ignored');
assert.sameValue(Object.hasOwn(new Error('m', { cause: undefined }), 'cause'), true, 'an undefined cause is still installed');
assert.sameValue(new Error('m', Object.create({ cause: 'proto' })).cause, 'proto', 'inherited');
assert.sameValue(new Error(undefined, { cause: 3 }).cause, 3, 'with no message');
assert.sameValue(Object.hasOwn(new Error(undefined, { cause: 3 }), 'message'), false);
// order: message first, then HasProperty and Get of cause, then (AggregateError) the errors
const log = [];
const opts = new Proxy({ cause: 'c' }, {
  has(t, k) { log.push('has ' + k); return k in t; },
  get(t, k) { log.push('get ' + k); return t[k]; },
});
new AggregateError({ [Symbol.iterator]() { log.push('errors'); return [][Symbol.iterator](); } },
  { toString() { log.push('message'); return 'm'; } }, opts);
assert.compareArray(log, ['message', 'has cause', 'get cause', 'errors']);
assert.throws(RangeError, () => new Error('m', { get cause() { throw new RangeError(); } }));
class MyError extends Error { constructor(m, o) { super(m, o); } }
assert.sameValue(new MyError('m', { cause: 5 }).cause, 5, 'through super');
const chained = new Error('outer', { cause: new TypeError('inner') });
assert.sameValue(chained.cause.message, 'inner');
return 'ok';
