// _harness.js - prepended to every fixture in tests/modern/ by
// tests/test_modern_js.c. A fixture is a handler body (it may await) that
// returns 'ok' or throws. It runs twice: as a handler (everything frozen,
// no eval) and in the raw engine mode (spec property attributes, eval for
// syntax checks); `raw` tells which.
const raw = typeof $state === 'undefined';
// captured: fixtures may replace globals (tamper.js)
const { is, getOwnPropertyDescriptor, getPrototypeOf, isFrozen } = Object;
const hasOwn = Function.prototype.call.bind(Object.prototype.hasOwnProperty);
const toStringTag = Function.prototype.call.bind(Object.prototype.toString);
const { from: arrayFrom, isArray } = Array;
const { stringify } = JSON;
const { construct } = Reflect;
const toText = String;
const FunctionPrototype = Function.prototype;
const indirectEval = eval;
class Test262Error extends Error {}
const fmt = (v) => {
  if (typeof v === 'string') return stringify(v);
  if (is(v, -0)) return '-0';
  if (typeof v === 'bigint') return v + 'n';
  if (isArray(v)) return '[' + v.map(fmt).join(', ') + ']';
  try { return toText(v); } catch (e) { return toStringTag(v); }
};
const assert = (cond, msg) => { if (cond !== true) throw new Test262Error('assertion failed: ' + (msg || '')); };
assert.sameValue = (actual, expected, msg) => {
  if (!is(actual, expected))
    throw new Test262Error((msg || '') + ': expected ' + fmt(expected) + ', got ' + fmt(actual));
};
assert.notSameValue = (actual, unexpected, msg) => {
  if (is(actual, unexpected)) throw new Test262Error((msg || '') + ': did not expect ' + fmt(actual));
};
assert.compareArray = (actual, expected, msg) => {
  const a = arrayFrom(actual);
  const same = a.length === expected.length && a.every((v, i) => is(v, expected[i]));
  if (!same) throw new Test262Error((msg || '') + ': expected ' + fmt(expected) + ', got ' + fmt(a));
};
assert.json = (actual, expected, msg) => assert.sameValue(stringify(actual), stringify(expected), msg);
const checkThrown = (C, e, msg) => {
  if (e === null || typeof e !== 'object' || e.constructor !== C)
    throw new Test262Error((msg || '') + ': expected ' + C.name + ', got ' + fmt(e && e.name) + ' ' + fmt(e && e.message));
  return e;
};
assert.throws = (C, f, msg) => {
  try { f(); } catch (e) { return checkThrown(C, e, msg); }
  throw new Test262Error((msg || '') + ': expected ' + C.name + ', nothing was thrown');
};
assert.rejects = async (C, p, msg) => {
  try { await (typeof p === 'function' ? p() : p); } catch (e) { return checkThrown(C, e, msg); }
  throw new Test262Error((msg || '') + ': expected a rejection with ' + C.name);
};
// DOMException names (and legacy codes) as WebIDL tests check them
assert.throwsDOM = (name, f, msg) => {
  const e = assert.throws(DOMException, f, msg);
  assert.sameValue(e.name, name, (msg || '') + ' (DOMException name)');
  return e;
};
const isConstructor = (f) => {
  try { construct(function () {}, [], f); return true; } catch (e) { return false; }
};
// A built-in function property: name, length, no [[Construct]], no
// prototype property, Function.prototype as prototype, and the
// descriptor the specification gives (WebIDL's are enumerable), or
// frozen in a handler (where the global object keeps its bindings).
const verifyFunction = (obj, key, name, length, { enumerable = false } = {}) => {
  const open = raw || obj === globalThis;
  const d = getOwnPropertyDescriptor(obj, key);
  const label = toText(typeof key === 'symbol' ? key.toString() : key);
  assert(d !== undefined, label + ' exists');
  const f = d.value;
  assert.sameValue(typeof f, 'function', label + ' is a function');
  assert.sameValue(f.name, name, label + '.name');
  assert.sameValue(f.length, length, label + '.length');
  assert.sameValue(isConstructor(f), false, label + ' is not a constructor');
  assert.sameValue(hasOwn(f, 'prototype'), false, label + ' has no prototype');
  assert.sameValue(getPrototypeOf(f), FunctionPrototype, label + ' inherits Function.prototype');
  assert.sameValue(d.enumerable, enumerable, label + ' enumerable');
  assert.sameValue(d.writable, open, label + ' writable');
  assert.sameValue(d.configurable, open, label + ' configurable');
  const n = getOwnPropertyDescriptor(f, 'name');
  assert(!n.writable && !n.enumerable && n.configurable === raw, label + '.name attributes');
  const l = getOwnPropertyDescriptor(f, 'length');
  assert(!l.writable && !l.enumerable && l.configurable === raw, label + '.length attributes');
  if (!raw) assert(isFrozen(f), label + ' is frozen');
  return f;
};
const verifyAccessor = (obj, key, { set = false, enumerable = true } = {}) => {
  const d = getOwnPropertyDescriptor(obj, key);
  assert(d !== undefined && typeof d.get === 'function', key + ' is an accessor');
  assert.sameValue(d.get.name, 'get ' + key, key + ' getter name');
  assert.sameValue(typeof d.set, set ? 'function' : 'undefined', key + ' setter');
  if (set) assert.sameValue(d.set.name, 'set ' + key, key + ' setter name');
  assert.sameValue(d.enumerable, enumerable, key + ' enumerable');
  assert.sameValue(d.configurable, raw, key + ' configurable');
};
// Source that must not compile; only checkable where eval exists (raw
// mode); test_modern_js.c checks handler compilation on its own.
const syntaxError = (src) => {
  if (!raw) return;
  try { indirectEval(src); } catch (e) { checkThrown(SyntaxError, e, src); return; }
  throw new Test262Error('expected a SyntaxError: ' + src);
};
const compiles = (src) => { if (raw) indirectEval(src); };
// $DETACHBUFFER: transferring a buffer detaches it.
const detach = (buffer) => { structuredClone(buffer, { transfer: [buffer] }); };
const typedArrayKinds = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array,
  Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array];
const isBigIntKind = (TA) => TA === BigInt64Array || TA === BigUint64Array;
const num = (TA, n) => (isBigIntKind(TA) ? BigInt(n) : n);
