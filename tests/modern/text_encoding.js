// TextEncoder, TextDecoder (WHATWG Encoding; UTF-8 only)
for (const C of [TextEncoder, TextDecoder]) {
  assert.sameValue(typeof C, 'function');
  assert.throws(TypeError, () => C(), C.name + ' needs new');
  const d = Object.getOwnPropertyDescriptor(globalThis, C.name);
  assert(d.writable && !d.enumerable && d.configurable, C.name + ' global attributes');
  assert.sameValue(Object.prototype.toString.call(new C()), '[object ' + C.name + ']');
}
verifyFunction(TextEncoder.prototype, 'encode', 'encode', 0, { enumerable: true });
verifyFunction(TextEncoder.prototype, 'encodeInto', 'encodeInto', 2, { enumerable: true });
verifyAccessor(TextEncoder.prototype, 'encoding');
verifyFunction(TextDecoder.prototype, 'decode', 'decode', 0, { enumerable: true });
for (const k of ['encoding', 'fatal', 'ignoreBOM']) verifyAccessor(TextDecoder.prototype, k);
const enc = new TextEncoder();
assert.sameValue(enc.encoding, 'utf-8');
assert.throws(TypeError, () => Object.getOwnPropertyDescriptor(TextEncoder.prototype, 'encoding').get.call({}));
// encode: UTF-8, lone surrogates as U+FFFD, ToString conversions
const bytes = (s) => Array.from(enc.encode(s));
assert.sameValue(enc.encode() instanceof Uint8Array, true);
assert.compareArray(bytes(), []);
assert.compareArray(bytes(undefined), []);
assert.compareArray(bytes('a€😀'), [0x61, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80]);
assert.compareArray(bytes('\uD800'), [0xef, 0xbf, 0xbd], 'a lone lead surrogate');
assert.compareArray(bytes('\uDC00\uD800'), [0xef, 0xbf, 0xbd, 0xef, 0xbf, 0xbd], 'a reversed pair');
assert.compareArray(bytes('\0'), [0]);
assert.compareArray(bytes(null), [0x6e, 0x75, 0x6c, 0x6c], 'null is "null"');
assert.compareArray(bytes(12), [0x31, 0x32]);
assert.throws(TypeError, () => enc.encode(Symbol()));
assert.sameValue(enc.encode('x').buffer.byteLength, 1, 'its own buffer');
// encodeInto: whole characters only, read in UTF-16 code units
const out = new Uint8Array(5);
assert.json(enc.encodeInto('a😀b', out), { read: 3, written: 5 });
assert.compareArray(out, [0x61, 0xf0, 0x9f, 0x98, 0x80]);
assert.json(enc.encodeInto('€€', new Uint8Array(4)), { read: 1, written: 3 }, 'no partial character');
assert.json(enc.encodeInto('😀', new Uint8Array(3)), { read: 0, written: 0 });
assert.json(enc.encodeInto('\uD800x', new Uint8Array(8)), { read: 2, written: 4 });
assert.json(enc.encodeInto('abc', new Uint8Array(new ArrayBuffer(8), 6)), { read: 2, written: 2 }, 'a view at an offset');
assert.compareArray(Object.keys(enc.encodeInto('', new Uint8Array(0))), ['read', 'written']);
assert.throws(TypeError, () => enc.encodeInto('a', new Uint16Array(2)), 'only Uint8Array');
assert.throws(TypeError, () => enc.encodeInto('a', new Uint8ClampedArray(2)));
assert.throws(TypeError, () => enc.encodeInto('a', [0]));
assert.throws(TypeError, () => enc.encodeInto('a'), 'two arguments required');
const gone = new Uint8Array(4);
detach(gone.buffer);
assert.json(enc.encodeInto('abc', gone), { read: 0, written: 0 }, 'a detached destination holds nothing');
// TextDecoder: labels
for (const label of ['utf-8', 'UTF-8', 'utf8', ' unicode-1-1-utf-8\n', 'Unicode20UTF8', 'x-unicode20utf8', 'unicode11utf8'])
  assert.sameValue(new TextDecoder(label).encoding, 'utf-8', label);
for (const label of ['utf-16le', 'latin1', 'windows-1252', '', 'utf-8x', null])
  assert.throws(RangeError, () => new TextDecoder(label), String(label));
assert.sameValue(new TextDecoder(undefined).encoding, 'utf-8');
const dec = new TextDecoder();
assert.sameValue(dec.fatal, false);
assert.sameValue(dec.ignoreBOM, false);
assert.sameValue(new TextDecoder('utf-8', { fatal: 1, ignoreBOM: 'yes' }).fatal, true, 'ToBoolean');
assert.throws(TypeError, () => new TextDecoder('utf-8', 1), 'options must be an object');
const optionOrder = [];
new TextDecoder('utf-8', { get fatal() { optionOrder.push('fatal'); }, get ignoreBOM() { optionOrder.push('ignoreBOM'); } });
assert.compareArray(optionOrder, ['fatal', 'ignoreBOM']);
// decode: every kind of buffer source
const u8 = (...b) => new Uint8Array(b);
assert.sameValue(dec.decode(), '');
assert.sameValue(dec.decode(u8(0x68, 0x69)), 'hi');
assert.sameValue(dec.decode(u8(0x68, 0x69).buffer), 'hi', 'an ArrayBuffer');
assert.sameValue(dec.decode(new DataView(u8(0x61, 0x62, 0x63).buffer, 1)), 'bc', 'a DataView');
assert.sameValue(dec.decode(new Uint16Array([0x6968])), 'hi', 'any typed array, as bytes');
const sab = new SharedArrayBuffer(1);
new Uint8Array(sab)[0] = 0x7a;
assert.sameValue(dec.decode(sab), 'z', 'a SharedArrayBuffer');
assert.throws(TypeError, () => dec.decode('text'));
assert.throws(TypeError, () => dec.decode([0x61]));
const dead = u8(0x61);
detach(dead.buffer);
assert.sameValue(dec.decode(dead), '', 'detached: no bytes');
// BOM handling
assert.sameValue(dec.decode(u8(0xef, 0xbb, 0xbf, 0x61)), 'a', 'a leading BOM is dropped');
assert.sameValue(dec.decode(u8(0x61, 0xef, 0xbb, 0xbf)), 'a\uFEFF', 'elsewhere kept');
assert.sameValue(dec.decode(u8(0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf)), '\uFEFF', 'only the first');
assert.sameValue(new TextDecoder('utf-8', { ignoreBOM: true }).decode(u8(0xef, 0xbb, 0xbf)), '\uFEFF');
// invalid input: one U+FFFD per maximal subpart
const cases = [
  [[0x80], '\uFFFD'], [[0xff], '\uFFFD'], [[0xc0, 0x80], '\uFFFD\uFFFD'], [[0xc2], '\uFFFD'],
  [[0xe2, 0x82], '\uFFFD'], [[0xe2, 0x82, 0x41], '\uFFFDA'], [[0xed, 0xa0, 0x80], '\uFFFD\uFFFD\uFFFD'],
  [[0xf0, 0x9f, 0x98], '\uFFFD'], [[0xf4, 0x90, 0x80, 0x80], '\uFFFD\uFFFD\uFFFD\uFFFD'],
  [[0xe0, 0x80, 0x80], '\uFFFD\uFFFD\uFFFD'], [[0xf0, 0x80, 0x80, 0x80], '\uFFFD\uFFFD\uFFFD\uFFFD'],
  [[0x61, 0xf1, 0x80, 0x80, 0x62], 'a\uFFFDb'], [[0xc2, 0xc2, 0xa9], '\uFFFD©'],
];
for (const [b, s] of cases) {
  assert.sameValue(dec.decode(new Uint8Array(b)), s, b.map((x) => x.toString(16)).join(' '));
  assert.throws(TypeError, () => new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(b)), 'fatal ' + b);
}
assert.sameValue(dec.decode(u8(0xf0, 0x9f, 0x98, 0x80)), '😀');
assert.sameValue(dec.decode(u8(0xef, 0xbf, 0xbf)), '\uFFFF');
assert.sameValue(dec.decode(u8(0xf4, 0x8f, 0xbf, 0xbf)), '\uDBFF\uDFFF');
assert.sameValue(new TextDecoder('utf-8', { fatal: true }).decode(u8(0xe2, 0x82, 0xac)), '€');
// streaming: an incomplete sequence waits for the next call
const s = new TextDecoder();
assert.sameValue(s.decode(u8(0xf0, 0x9f), { stream: true }), '');
assert.sameValue(s.decode(u8(0x98), { stream: true }), '');
assert.sameValue(s.decode(u8(0x80, 0x61)), '😀a');
assert.sameValue(s.decode(u8(0xe2), { stream: true }), '');
assert.sameValue(s.decode(), '\uFFFD', 'flushed at the end of the stream');
assert.sameValue(s.decode(u8(0xef, 0xbb), { stream: true }) + s.decode(u8(0xbf, 0x62)), 'b', 'a BOM split across calls');
assert.sameValue(s.decode(u8(0xef, 0xbb, 0xbf, 0x63)), 'c', 'a new stream drops a BOM again');
const sf = new TextDecoder('utf-8', { fatal: true });
assert.sameValue(sf.decode(u8(0xe2, 0x82), { stream: true }), '');
assert.throws(TypeError, () => sf.decode());
assert.sameValue(sf.decode(u8(0x61)), 'a', 'usable after a fatal error');
const streamOrder = [];
dec.decode(u8(0x61), { get stream() { streamOrder.push('stream'); return false; } });
assert.compareArray(streamOrder, ['stream']);
// round trip, every scalar value class
const all = 'a\u007f\u0080\u07ff\u0800\ud7ff\ue000\uffff\u{10000}\u{10ffff}';
assert.sameValue(dec.decode(enc.encode(all)), all);
assert.throws(TypeError, () => TextDecoder.prototype.decode.call({}, u8()));
return 'ok';
