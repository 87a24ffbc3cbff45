// String.prototype.isWellFormed, toWellFormed (ES2024)
verifyFunction(String.prototype, 'isWellFormed', 'isWellFormed', 0);
verifyFunction(String.prototype, 'toWellFormed', 'toWellFormed', 0);
const cases = [
  ['', true, ''],
  ['abc', true, 'abc'],
  ['é€😀', true, 'é€😀'],
  ['\uD800', false, '\uFFFD'],
  ['\uDC00', false, '\uFFFD'],
  ['a\uD800b', false, 'a\uFFFDb'],
  ['\uDC00\uD800', false, '\uFFFD\uFFFD', 'reversed pair'],
  ['\uD800\uD800\uDC00', false, '\uFFFD\uD800\uDC00', 'a lead before a pair'],
  ['\uD83D\uDE00\uDE00', false, '\uD83D\uDE00\uFFFD', 'a trail after a pair'],
  ['x\uDBFF', false, 'x\uFFFD', 'a lead at the end'],
];
for (const [s, ok, fixed, label] of cases) {
  assert.sameValue(s.isWellFormed(), ok, label || JSON.stringify(s));
  assert.sameValue(s.toWellFormed(), fixed, label || JSON.stringify(s));
  assert.sameValue(s.toWellFormed().isWellFormed(), true);
}
assert.sameValue(String.prototype.isWellFormed.call(12), true, 'ToString on this');
assert.sameValue(String.prototype.toWellFormed.call({ toString() { return 'a\uD800'; } }), 'a\uFFFD');
assert.throws(TypeError, () => String.prototype.isWellFormed.call(null));
assert.throws(TypeError, () => String.prototype.toWellFormed.call(undefined));
assert.throws(TypeError, () => String.prototype.isWellFormed.call(Symbol()));
const big = 'ab'.repeat(10000) + '\uD800';
assert.sameValue(big.toWellFormed().length, big.length, 'length kept');
return 'ok';
