// findLast, findLastIndex (ES2023): Array.prototype and %TypedArray%.prototype
const TypedArrayPrototype = Object.getPrototypeOf(Int8Array.prototype);
for (const proto of [Array.prototype, TypedArrayPrototype]) {
  verifyFunction(proto, 'findLast', 'findLast', 1);
  verifyFunction(proto, 'findLastIndex', 'findLastIndex', 1);
}
const a = [1, 2, 3, 4];
assert.sameValue(a.findLast((x) => x % 2 === 1), 3);
assert.sameValue(a.findLastIndex((x) => x % 2 === 1), 2);
assert.sameValue(a.findLast((x) => x > 9), undefined);
assert.sameValue(a.findLastIndex((x) => x > 9), -1);
assert.sameValue([].findLast(() => true), undefined);
assert.sameValue([].findLastIndex(() => true), -1);
// visits from the end, with (value, index, object) and thisArg
const seen = [];
const thisArg = {};
[10, 20, 30].findLast(function (v, i, o) { seen.push([v, i, o.length, this === thisArg]); return false; }, thisArg);
assert.json(seen, [[30, 2, 3, true], [20, 1, 3, true], [10, 0, 3, true]]);
// no thisArg: undefined (the global object in sloppy code)
let thisSeen = 'unset';
[1].findLast(function () { 'use strict'; thisSeen = this; });
assert.sameValue(thisSeen, undefined, 'strict predicate without thisArg');
[1].findLastIndex(function () { thisSeen = this; });
assert.sameValue(thisSeen, globalThis, 'sloppy predicate without thisArg');
new Uint8Array(1).findLast(function () { 'use strict'; thisSeen = this; });
assert.sameValue(thisSeen, undefined, 'typed array, strict predicate without thisArg');
new Uint8Array(1).findLastIndex(function () { 'use strict'; thisSeen = this; }, 7);
assert.sameValue(thisSeen, 7, 'typed array, thisArg');
// holes are visited as undefined, truthiness by ToBoolean
assert.sameValue([1, , 3].findLastIndex((v) => v === undefined), 1);
assert.sameValue([0, '', 'x'].findLastIndex((v) => v), 2);
assert.sameValue(['a', 'b'].findLastIndex(() => ({})), 1);
// the length is read once, before the predicate is checked
const order = [];
assert.throws(TypeError, () => Array.prototype.findLast.call({ get length() { order.push('length'); return 0; } }, null));
assert.compareArray(order, ['length'], 'length read before the predicate check');
assert.throws(TypeError, () => [].findLast({}), 'object predicate');
assert.throws(TypeError, () => [].findLastIndex(), 'missing predicate');
assert.throws(TypeError, () => Array.prototype.findLast.call(null, () => true));
// elements appended meanwhile are not visited; deleted ones read undefined
const b = [1, 2, 3];
const visited = [];
b.findLast((v, i) => { visited.push(v); if (i === 2) { b.push(9); delete b[0]; } return false; });
assert.compareArray(visited, [3, 2, undefined]);
// array-likes and primitives
assert.sameValue(Array.prototype.findLast.call({ length: 2, 0: 'x', 1: 'y' }, () => true), 'y');
assert.sameValue(Array.prototype.findLastIndex.call('abc', (c) => c === 'a'), 0);
// abrupt completions propagate
assert.throws(RangeError, () => [1].findLast(() => { throw new RangeError(); }));
assert.throws(SyntaxError, () => Array.prototype.findLast.call({ length: 1, get 0() { throw new SyntaxError(); } }, () => true));

// TypedArrays
for (const TA of typedArrayKinds) {
  const t = new TA([num(TA, 1), num(TA, 2), num(TA, 3)]);
  assert.sameValue(t.findLast((x) => x < num(TA, 3)), num(TA, 2), TA.name);
  assert.sameValue(t.findLastIndex((x) => x === num(TA, 1)), 0, TA.name);
  assert.sameValue(t.findLastIndex(() => false), -1, TA.name);
}
assert.throws(TypeError, () => TypedArrayPrototype.findLast.call([1], () => true));
const t = new Uint8Array(3);
assert.throws(TypeError, () => t.findLast(1), 'not callable');
detach(t.buffer);
assert.throws(TypeError, () => t.findLast(() => true), 'detached');
assert.throws(TypeError, () => t.findLastIndex(() => true), 'detached');
// detached during the walk: later elements read undefined, the walk goes on
const u = new Uint8Array([1, 2, 3]);
const got = [];
const idx = u.findLastIndex((v, i) => { got.push(v); if (i === 2) detach(u.buffer); return false; });
assert.sameValue(idx, -1);
assert.compareArray(got, [3, undefined, undefined]);
return 'ok';
