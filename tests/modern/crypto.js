// crypto.getRandomValues, crypto.randomUUID (Web Crypto, without subtle)
assert.sameValue(typeof crypto, 'object');
assert.sameValue(Object.getPrototypeOf(crypto), Crypto.prototype);
assert.throws(TypeError, () => new Crypto(), 'Illegal constructor');
assert.sameValue(crypto.subtle, undefined, 'no SubtleCrypto');
verifyFunction(Crypto.prototype, 'getRandomValues', 'getRandomValues', 1, { enumerable: true });
verifyFunction(Crypto.prototype, 'randomUUID', 'randomUUID', 0, { enumerable: true });
assert.sameValue(Object.prototype.toString.call(crypto), '[object Crypto]');
// getRandomValues: integer typed arrays, filled in place and returned
for (const TA of [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, BigInt64Array, BigUint64Array]) {
  const a = new TA(64);
  assert.sameValue(crypto.getRandomValues(a), a, TA.name + ' returned');
  assert.sameValue(a.some((x) => x !== a[0]), true, TA.name + ' filled');
}
const part = new Uint8Array(8);
crypto.getRandomValues(part.subarray(2, 4));
assert.compareArray([part[0], part[1], part[4], part[5], part[6], part[7]], [0, 0, 0, 0, 0, 0], 'only the view');
assert.sameValue(crypto.getRandomValues(new Uint8Array(0)).length, 0);
assert.sameValue(crypto.getRandomValues(new Uint8Array(65536)).length, 65536, 'the quota itself');
assert.throwsDOM('QuotaExceededError', () => crypto.getRandomValues(new Uint8Array(65537)));
assert.throwsDOM('QuotaExceededError', () => crypto.getRandomValues(new Uint32Array(16385)));
assert.throwsDOM('TypeMismatchError', () => crypto.getRandomValues(new Float32Array(1)));
assert.throwsDOM('TypeMismatchError', () => crypto.getRandomValues(new Float64Array(1)));
assert.throwsDOM('TypeMismatchError', () => crypto.getRandomValues(new DataView(new ArrayBuffer(1))));
assert.throws(TypeError, () => crypto.getRandomValues([1, 2]), 'not a view');
assert.throws(TypeError, () => crypto.getRandomValues(new ArrayBuffer(1)));
assert.throws(TypeError, () => crypto.getRandomValues());
assert.throws(TypeError, () => Crypto.prototype.getRandomValues.call({}, new Uint8Array(1)), 'brand check');
const gone = new Uint8Array(4);
detach(gone.buffer);
assert.sameValue(crypto.getRandomValues(gone), gone, 'a detached array has nothing to fill');
// a spread of byte values
const many = crypto.getRandomValues(new Uint8Array(4096));
const counts = new Array(256).fill(0);
for (const b of many) counts[b]++;
assert.sameValue(counts.every((c) => c > 0 && c < 60), true, 'every byte value appears, none too often');
// randomUUID: version 4, variant 10, lowercase
const re = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ids = new Set();
for (let i = 0; i < 200; i++) {
  const id = crypto.randomUUID();
  assert(re.test(id), id);
  ids.add(id);
}
assert.sameValue(ids.size, 200, 'all different');
assert.throws(TypeError, () => Crypto.prototype.randomUUID.call({}));
return 'ok';
