// at (ES2022): Array.prototype, String.prototype, %TypedArray%.prototype.
verifyFunction(Array.prototype, 'at', 'at', 1);
verifyFunction(String.prototype, 'at', 'at', 1);
const TypedArrayPrototype = Object.getPrototypeOf(Int8Array.prototype);
verifyFunction(TypedArrayPrototype, 'at', 'at', 1);

// Array: relative indices, coercion with ToIntegerOrInfinity
const a = [1, 2, 3];
assert.sameValue(a.at(0), 1);
assert.sameValue(a.at(-1), 3);
assert.sameValue(a.at(-3), 1);
assert.sameValue(a.at(3), undefined);
assert.sameValue(a.at(-4), undefined);
assert.sameValue(a.at(), 1, 'undefined is 0');
assert.sameValue(a.at(NaN), 1, 'NaN is 0');
assert.sameValue(a.at(1.9), 2, 'truncated');
assert.sameValue(a.at(-0.5), 1, '-0.5 truncates to -0, which is 0');
assert.sameValue(a.at('2'), 3, 'string index');
assert.sameValue(a.at(Infinity), undefined);
assert.sameValue(a.at(-Infinity), undefined);
assert.sameValue(a.at({ valueOf() { return -2; } }), 2);
assert.throws(TypeError, () => a.at(Symbol()), 'symbol index');
assert.throws(TypeError, () => a.at(1n), 'bigint index');
assert.sameValue([, 1].at(0), undefined, 'a hole reads undefined');
// generic: array-likes, ToObject on this, length clamped
assert.sameValue(Array.prototype.at.call({ length: 2, 0: 'x', 1: 'y' }, -1), 'y');
assert.sameValue(Array.prototype.at.call({ length: -5, 0: 'x' }, 0), undefined, 'negative length is 0');
assert.sameValue(Array.prototype.at.call({ length: 2 ** 53 + 5, [2 ** 53 - 2]: 'last' }, -1), 'last', 'length clamped to 2^53-1');
assert.sameValue(Array.prototype.at.call('abc', 1), 'b', 'a string this');
assert.throws(TypeError, () => Array.prototype.at.call(undefined, 0));
assert.throws(TypeError, () => Array.prototype.at.call(null, 0));
// order: length is read before the index is converted
const order = [];
Array.prototype.at.call({ get length() { order.push('length'); return 1; } }, { valueOf() { order.push('index'); return 0; } });
assert.compareArray(order, ['length', 'index']);
// getters run only for the index asked
let reads = 0;
const getters = { length: 3, get 0() { reads++; return 'a'; }, get 1() { reads++; return 'b'; } };
assert.sameValue(Array.prototype.at.call(getters, -2), 'b');
assert.sameValue(reads, 1);

// String: code units, so a surrogate pair is two positions
const s = 'a😀b';
assert.sameValue(s.at(0), 'a');
assert.sameValue(s.at(1), '\uD83D', 'lead surrogate alone');
assert.sameValue(s.at(2), '\uDE00', 'trail surrogate alone');
assert.sameValue(s.at(-1), 'b');
assert.sameValue(s.at(4), undefined);
assert.sameValue(''.at(0), undefined);
assert.sameValue(String.prototype.at.call(12345, -2), '4', 'ToString on this');
assert.sameValue(String.prototype.at.call({ toString() { return 'xyz'; } }, 1), 'y');
assert.throws(TypeError, () => String.prototype.at.call(undefined, 0));
assert.throws(TypeError, () => String.prototype.at.call(null, 0));
assert.throws(TypeError, () => String.prototype.at.call(Symbol(), 0));

// TypedArray: every kind, validation, detached buffers
for (const TA of typedArrayKinds) {
  const t = new TA([num(TA, 1), num(TA, 2), num(TA, 3)]);
  assert.sameValue(t.at(-1), num(TA, 3), TA.name);
  assert.sameValue(t.at(3), undefined, TA.name);
  assert.sameValue(t.at(-4), undefined, TA.name);
}
assert.throws(TypeError, () => TypedArrayPrototype.at.call([1, 2], 0), 'an Array is no TypedArray');
assert.throws(TypeError, () => TypedArrayPrototype.at.call(new DataView(new ArrayBuffer(1)), 0));
assert.throws(TypeError, () => TypedArrayPrototype.at.call({ length: 1, 0: 1 }, 0));
const ta = new Uint8Array([7, 8]);
detach(ta.buffer);
assert.throws(TypeError, () => ta.at(0), 'detached before the call');
// detached while converting the index: the element reads as undefined
const tb = new Uint8Array([7, 8]);
assert.sameValue(tb.at({ valueOf() { detach(tb.buffer); return 0; } }), undefined);
// the typed array's own length, not a length property
const tc = new Uint8Array([1, 2, 3]);
Object.defineProperty(tc, 'length', { value: 1 });
assert.sameValue(tc.at(-1), 3);
// subarray offsets
assert.sameValue(new Int16Array([1, 2, 3, 4]).subarray(1, 3).at(-1), 3);
return 'ok';
