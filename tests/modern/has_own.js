// Object.hasOwn (ES2022)
verifyFunction(Object, 'hasOwn', 'hasOwn', 2);
const proto = { inherited: 1 };
const o = Object.create(proto, { own: { value: 1, enumerable: false } });
assert.sameValue(Object.hasOwn(o, 'own'), true, 'non-enumerable own');
assert.sameValue(Object.hasOwn(o, 'inherited'), false, 'inherited');
assert.sameValue(Object.hasOwn(o, 'missing'), false);
const sym = Symbol('s');
assert.sameValue(Object.hasOwn({ [sym]: 1 }, sym), true, 'symbol keys');
assert.sameValue(Object.hasOwn({ 1: 'x' }, 1), true, 'number key is ToPropertyKey');
assert.sameValue(Object.hasOwn({ undefined: 1 }), true, 'missing key is "undefined"');
assert.sameValue(Object.hasOwn('abc', 'length'), true, 'ToObject on a string');
assert.sameValue(Object.hasOwn('abc', 1), true, 'string indices');
assert.sameValue(Object.hasOwn([], 'length'), true);
assert.sameValue(Object.hasOwn(Object.create(null), 'x'), false, 'null prototype');
assert.throws(TypeError, () => Object.hasOwn(undefined, 'x'));
assert.throws(TypeError, () => Object.hasOwn(null, 'x'));
// ToObject happens before ToPropertyKey
let converted = false;
assert.throws(TypeError, () => Object.hasOwn(null, { toString() { converted = true; return 'x'; } }));
assert.sameValue(converted, false, 'the key is not converted when this is null');
const order = [];
Object.hasOwn({ x: 1 }, { toString() { order.push('key'); return 'x'; } });
assert.compareArray(order, ['key']);
// a proxy's getOwnPropertyDescriptor trap answers, not has or get
const trapped = [];
const p = new Proxy({ a: 1 }, {
  getOwnPropertyDescriptor(t, k) { trapped.push('gOPD ' + String(k)); return Reflect.getOwnPropertyDescriptor(t, k); },
  has() { trapped.push('has'); return true; },
  get() { trapped.push('get'); return 1; },
});
assert.sameValue(Object.hasOwn(p, 'a'), true);
assert.sameValue(Object.hasOwn(p, 'b'), false);
assert.compareArray(trapped, ['gOPD a', 'gOPD b']);
return 'ok';
