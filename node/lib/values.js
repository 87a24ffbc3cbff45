// lib/values.js - JavaScript values to MessagePack and back, as the sandbox
// maps them (docs/values.md), exactly or not at all: a value that cannot
// cross unchanged (up to that documented mapping) is refused with a
// SERIALIZATION_ERROR naming its path (`args.list[3].big`), never rounded,
// truncated or dropped. Written here rather than taken from a MessagePack
// library because each library we tried corrupts something silently
// (BigInts beyond 64 bits wrapped to 0, -0 written as the integer 0,
// lone surrogates replaced).
//
// Encoding writes into one reusable buffer; callers hand the bytes to the
// addon, which copies them before the next encode.
'use strict';

const { NexusError } = require('./errors.js');

const MAX_DEPTH = 32; // containers nested deeper are refused by the library too
const U64_MAX = (1n << 64n) - 1n;
const I64_MIN = -(1n << 63n);
const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);
const SAFE_MIN = BigInt(Number.MIN_SAFE_INTEGER);

const wellFormed = typeof String.prototype.isWellFormed === 'function'
  ? (s) => s.isWellFormed()
  : (s) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const keyPath = (path, key) => (IDENT.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`);

// Where the encoder is, as the root's name and the keys and indexes below
// it: the path string is built only for an error (building it for every
// member was most of the cost of encoding a small context).
let rootPath = '';
const segments = [];

function refuse(why) {
  let path = rootPath;
  for (const s of segments) path = typeof s === 'number' ? `${path}[${s}]` : keyPath(path, s);
  return new NexusError('SERIALIZATION_ERROR', `${path} cannot cross into the sandbox: ${why}`);
}

// ---- encoding ---------------------------------------------------------------------

let buf = Buffer.allocUnsafe(4096);
let view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
let pos = 0;

function ensure(n) {
  if (pos + n <= buf.length) return;
  let size = buf.length * 2;
  while (size < pos + n) size *= 2;
  const next = Buffer.allocUnsafe(size);
  buf.copy(next, 0, 0, pos);
  buf = next;
  view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
}

function u8(b) { ensure(1); buf[pos++] = b; }
function head(b, n) { ensure(1 + n); buf[pos++] = b; }

function writeLength(n, fix, fixMax, b8, b16, b32) {
  if (n <= fixMax && fix !== null) { u8(fix | n); return; }
  if (n < 0x100 && b8 !== null) { head(b8, 1); buf[pos++] = n; return; }
  if (n < 0x10000) { head(b16, 2); view.setUint16(pos, n); pos += 2; return; }
  head(b32, 4); view.setUint32(pos, n); pos += 4;
}

function writeString(s) {
  if (!wellFormed(s)) throw refuse('a string with a lone surrogate is not valid UTF-8');
  // short ASCII strings, the common case, without Buffer.write's overhead
  if (s.length < 32) {
    let ascii = true;
    for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) { ascii = false; break; }
    if (ascii) {
      ensure(1 + s.length);
      buf[pos++] = 0xa0 | s.length;
      for (let i = 0; i < s.length; i++) buf[pos++] = s.charCodeAt(i);
      return;
    }
  }
  const n = Buffer.byteLength(s, 'utf8');
  writeLength(n, 0xa0, 31, 0xd9, 0xda, 0xdb);
  ensure(n);
  pos += buf.write(s, pos, n, 'utf8');
}

function writeInt(v) {
  if (v >= 0) {
    if (v < 0x80) u8(v);
    else if (v < 0x100) { head(0xcc, 1); buf[pos++] = v; }
    else if (v < 0x10000) { head(0xcd, 2); view.setUint16(pos, v); pos += 2; }
    else if (v < 0x100000000) { head(0xce, 4); view.setUint32(pos, v); pos += 4; }
    else { head(0xcf, 8); view.setBigUint64(pos, BigInt(v)); pos += 8; }
  } else if (v >= -32) u8(v & 0xff);
  else if (v >= -128) { head(0xd0, 1); view.setInt8(pos, v); pos += 1; }
  else if (v >= -32768) { head(0xd1, 2); view.setInt16(pos, v); pos += 2; }
  else if (v >= -2147483648) { head(0xd2, 4); view.setInt32(pos, v); pos += 4; }
  else { head(0xd3, 8); view.setBigInt64(pos, BigInt(v)); pos += 8; }
}

function writeNumber(v) {
  if (Number.isSafeInteger(v) && !Object.is(v, -0)) { writeInt(v); return; }
  head(0xcb, 8); view.setFloat64(pos, v); pos += 8; // fractions, -0, NaN, ±Infinity, |v| > 2^53
}

function writeBigInt(v) {
  if (v > U64_MAX || v < I64_MIN) throw refuse(`the BigInt ${v} does not fit in 64 bits`);
  if (v >= SAFE_MIN && v <= SAFE_MAX) { writeInt(Number(v)); return; }
  if (v > 0n) { head(0xcf, 8); view.setBigUint64(pos, v); } else { head(0xd3, 8); view.setBigInt64(pos, v); }
  pos += 8;
}

function writeBytes(bytes) {
  writeLength(bytes.length, null, 0, 0xc4, 0xc5, 0xc6);
  ensure(bytes.length);
  buf.set(bytes, pos);
  pos += bytes.length;
}

// A Date as the timestamp extension (-1): 64-bit form when it fits, else 96.
function writeDate(d) {
  const ms = d.getTime();
  if (!Number.isFinite(ms)) throw refuse('an invalid Date has no timestamp');
  const sec = Math.floor(ms / 1000);
  const nsec = (ms - sec * 1000) * 1e6;
  if (sec >= 0 && sec < 2 ** 34) {
    head(0xd6 + 1, 10); // fixext 8
    buf[pos++] = 0xff;
    view.setUint32(pos, nsec * 4 + Math.floor(sec / 2 ** 32)); // nsec:30 | sec high 2 bits
    view.setUint32(pos + 4, sec >>> 0);
    pos += 8;
  } else {
    head(0xc7, 14); // ext 8, 12 bytes
    buf[pos++] = 12;
    buf[pos++] = 0xff;
    view.setUint32(pos, nsec);
    view.setBigInt64(pos + 4, BigInt(sec));
    pos += 12;
  }
}

function isPlain(v) {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

// The containers being written (cycles, depth).
const stack = [];

function writeValue(v) {
  switch (typeof v) {
    case 'undefined': u8(0xc0); return; // in arrays, as the sandbox does (values.md)
    case 'boolean': u8(v ? 0xc3 : 0xc2); return;
    case 'number': writeNumber(v); return;
    case 'string': writeString(v); return;
    case 'bigint': writeBigInt(v); return;
    case 'function': throw refuse('a function');
    case 'symbol': throw refuse('a symbol');
    default: break;
  }
  if (v === null) { u8(0xc0); return; }
  if (v instanceof Date) { writeDate(v); return; }
  if (ArrayBuffer.isView(v)) { writeBytes(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)); return; }
  if (v instanceof ArrayBuffer) { writeBytes(new Uint8Array(v)); return; }
  if (stack.includes(v)) throw refuse('a cyclic value');
  if (stack.length >= MAX_DEPTH) throw refuse(`containers nested deeper than ${MAX_DEPTH} levels`);
  stack.push(v);
  if (Array.isArray(v)) {
    writeLength(v.length, 0x90, 15, null, 0xdc, 0xdd);
    for (let i = 0; i < v.length; i++) {
      segments.push(i);
      writeValue(v[i]);
      segments.pop();
    }
  } else if (v instanceof Map) {
    writeLength(v.size, 0x80, 15, null, 0xde, 0xdf);
    for (const [key, value] of v) {
      if (typeof key !== 'string') throw refuse(`a Map key that is not a string (${typeof key})`);
      writeString(key);
      segments.push(key);
      writeValue(value);
      segments.pop();
    }
  } else if (isPlain(v)) {
    const keys = Object.keys(v);
    let n = 0;
    for (let i = 0; i < keys.length; i++) if (v[keys[i]] !== undefined) n++; // undefined members are left out
    writeLength(n, 0x80, 15, null, 0xde, 0xdf);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      const value = v[key];
      if (value === undefined) continue;
      segments.push(key);
      writeString(key);
      writeValue(value);
      segments.pop();
    }
  } else {
    const name = (v.constructor && v.constructor.name) || 'an object with a prototype';
    throw refuse(`a ${name} instance (only plain objects, arrays, Maps, Dates, BigInts and binary data cross)`);
  }
  stack.pop();
}

// Writes value (named path in errors) after what is in the buffer; returns
// where it ends.
function write(value, path) {
  rootPath = path;
  try {
    writeValue(value);
  } catch (e) {
    // refused half-way: what was being written is abandoned (only here:
    // truncating an array costs more than the rest of a small encode)
    stack.length = 0;
    segments.length = 0;
    throw e;
  }
  return pos;
}

// An execution's state, args and scope one after another in the shared
// buffer: a Buffer view of each (null for undefined/null), valid until the
// next encode.
function encodeContext(state, args, scope) {
  pos = 0;
  const a = state === undefined || state === null ? -1 : write(state, 'state');
  const b = args === undefined || args === null ? -1 : write(args, 'args');
  const c = scope === undefined || scope === null ? -1 : write(scope, 'scope');
  const ends = [a, b, c];
  let start = 0;
  for (let i = 0; i < 3; i++) {
    const end = ends[i];
    if (end < 0) {
      ends[i] = null;
    } else {
      ends[i] = buf.subarray(start, end);
      start = end;
    }
  }
  return ends;
}

function encode(value, path) {
  pos = 0;
  write(value, path);
  return buf.subarray(0, pos);
}

// ---- decoding -----------------------------------------------------------------------

let input;
let inView;
let at;

// Short strings (keys, names, codes: most of a result) come from a small
// direct-mapped cache keyed by their bytes: a native slice per string was
// most of decoding a result.
const CACHE_SLOTS = 1024;
const cacheBytes = new Array(CACHE_SLOTS).fill(null);
const cacheStrings = new Array(CACHE_SLOTS).fill('');

function str(n) {
  const start = at;
  at += n;
  if (n === 0) return '';
  if (n > 16) return input.utf8Slice(start, at);
  let h = n;
  for (let i = start; i < at; i++) h = (Math.imul(h, 31) + input[i]) | 0;
  const slot = (h >>> 0) & (CACHE_SLOTS - 1);
  const cached = cacheBytes[slot];
  if (cached !== null && cached.length === n) {
    let same = true;
    for (let i = 0; i < n; i++) if (cached[i] !== input[start + i]) { same = false; break; }
    if (same) return cacheStrings[slot];
  }
  const s = input.utf8Slice(start, at);
  cacheBytes[slot] = Uint8Array.prototype.slice.call(input, start, at); // a copy: input is reused
  cacheStrings[slot] = s;
  return s;
}

function int64(signed) {
  const v = signed ? inView.getBigInt64(at) : inView.getBigUint64(at);
  at += 8;
  return v >= SAFE_MIN && v <= SAFE_MAX ? Number(v) : v;
}

function array(n) {
  const out = new Array(n);
  for (let i = 0; i < n; i++) out[i] = read();
  return out;
}

function map(n) {
  const out = {};
  for (let i = 0; i < n; i++) {
    const key = read();
    if (typeof key !== 'string') throw new NexusError('SERIALIZATION_ERROR', 'a map key in the result is not a string');
    const value = read();
    if (key === '__proto__') {
      // an own property, as the sandbox does: never the prototype
      Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true });
    } else {
      out[key] = value;
    }
  }
  return out;
}

function bin(n) {
  const out = new Uint8Array(n); // a copy: no view into the whole result
  out.set(input.subarray(at, at + n));
  at += n;
  return out;
}

function ext(n) {
  const type = inView.getInt8(at);
  at += 1;
  if (type !== -1) throw new NexusError('SERIALIZATION_ERROR', `unknown MessagePack extension ${type} in the result`);
  let sec;
  let nsec;
  if (n === 4) { sec = inView.getUint32(at); nsec = 0; }
  else if (n === 8) {
    const hi = inView.getUint32(at);
    nsec = Math.floor(hi / 4);
    sec = (hi & 3) * 2 ** 32 + inView.getUint32(at + 4);
  } else if (n === 12) { nsec = inView.getUint32(at); sec = Number(inView.getBigInt64(at + 4)); }
  else throw new NexusError('SERIALIZATION_ERROR', `a timestamp of ${n} bytes in the result`);
  at += n;
  return new Date(sec * 1000 + Math.floor(nsec / 1e6));
}

function read() {
  const b = input[at++];
  if (b < 0x80) return b;
  if (b < 0x90) return map(b & 0x0f);
  if (b < 0xa0) return array(b & 0x0f);
  if (b < 0xc0) return str(b & 0x1f);
  if (b >= 0xe0) return b - 0x100;
  let n;
  switch (b) {
    case 0xc0: return null;
    case 0xc2: return false;
    case 0xc3: return true;
    case 0xc4: n = input[at]; at += 1; return bin(n);
    case 0xc5: n = inView.getUint16(at); at += 2; return bin(n);
    case 0xc6: n = inView.getUint32(at); at += 4; return bin(n);
    case 0xc7: n = input[at]; at += 1; return ext(n);
    case 0xc8: n = inView.getUint16(at); at += 2; return ext(n);
    case 0xc9: n = inView.getUint32(at); at += 4; return ext(n);
    case 0xca: at += 4; return inView.getFloat32(at - 4);
    case 0xcb: at += 8; return inView.getFloat64(at - 8);
    case 0xcc: return input[at++];
    case 0xcd: at += 2; return inView.getUint16(at - 2);
    case 0xce: at += 4; return inView.getUint32(at - 4);
    case 0xcf: return int64(false);
    case 0xd0: at += 1; return inView.getInt8(at - 1);
    case 0xd1: at += 2; return inView.getInt16(at - 2);
    case 0xd2: at += 4; return inView.getInt32(at - 4);
    case 0xd3: return int64(true);
    case 0xd4: return ext(1);
    case 0xd5: return ext(2);
    case 0xd6: return ext(4);
    case 0xd7: return ext(8);
    case 0xd8: return ext(16);
    case 0xd9: n = input[at]; at += 1; return str(n);
    case 0xda: n = inView.getUint16(at); at += 2; return str(n);
    case 0xdb: n = inView.getUint32(at); at += 4; return str(n);
    case 0xdc: n = inView.getUint16(at); at += 2; return array(n);
    case 0xdd: n = inView.getUint32(at); at += 4; return array(n);
    case 0xde: n = inView.getUint16(at); at += 2; return map(n);
    case 0xdf: n = inView.getUint32(at); at += 4; return map(n);
    default: throw new NexusError('SERIALIZATION_ERROR', `invalid MessagePack byte 0x${b.toString(16)} in the result`);
  }
}

// A DataView of the buffer decoded last, kept: results mostly arrive in
// the same shared buffer, and a view per result was a tenth of decoding a
// small one.
let viewBuffer = null;
let viewOfBuffer = null;

function begin(buffer) {
  if (buffer !== viewBuffer) {
    viewBuffer = buffer;
    viewOfBuffer = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  }
  input = buffer;
  inView = viewOfBuffer;
  at = 0;
}

function decodeFailure(e) {
  if (e instanceof NexusError) return e;
  return new NexusError('SERIALIZATION_ERROR', `the result cannot be decoded: ${e.message}`);
}

// Decodes one MessagePack document, the first length bytes of buffer (the
// library validated it already). Nothing decoding runs calls back into
// user code, so it is never re-entered.
function decode(buffer, length = buffer.length) {
  begin(buffer);
  try {
    const v = read();
    if (at !== length) throw new NexusError('SERIALIZATION_ERROR', 'trailing bytes after the result');
    return v;
  } catch (e) {
    throw decodeFailure(e);
  } finally {
    input = null;
  }
}

// ---- results ---------------------------------------------------------------------------
// A result as the library serialises it (src/result/result_serialize.c): a
// map of known keys in a known order, whose records (mutations, events,
// view commands, logs, calls, error, metrics) have known keys too. Decoded
// here into object literals of one shape each, checking each key's bytes
// instead of making and storing a string for it: three times faster than
// decode() on a small result, where keys were most of the work. Any other
// layout (a library that added a field) falls back to decode().

const LAYOUT = Symbol('another layout');
const keyBytes = (k) => Uint8Array.from([0xa0 | k.length, ...Buffer.from(k, 'latin1')]); // keys are short ASCII
const K = {};
for (const k of ['status', 'returnValue', 'stateMutations', 'events', 'viewCommands', 'logs', 'suspension',
  'pendingCalls', 'error', 'metrics', 'key', 'op', 'value', 'name', 'payload', 'componentId', 'type', 'args',
  'level', 'message', 'timestamp', 'id', 'extension', 'method', 'code', 'stack', 'line', 'column', 'sourceLine',
  'durationUs', 'compileUs', 'cacheHit', 'memoryBytes', 'hostCalls', 'suspensions',
  'instructions', 'guestCpuUs']) K[k] = keyBytes(k);

function expectKey(key) {
  for (let i = 0; i < key.length; i++) if (input[at + i] !== key[i]) throw LAYOUT;
  at += key.length;
}

function expectMap(n) {
  if (input[at] !== (0x80 | n)) throw LAYOUT;
  at++;
}

function listLength() {
  const b = input[at];
  if (b >= 0x90 && b < 0xa0) { at++; return b & 0x0f; }
  if (b === 0xdc) { at += 3; return inView.getUint16(at - 2); }
  if (b === 0xdd) { at += 5; return inView.getUint32(at - 4); }
  throw LAYOUT;
}

function mutation() {
  expectMap(3);
  expectKey(K.key); const key = read();
  expectKey(K.op); const op = read();
  expectKey(K.value); const value = read();
  return { key, op, value };
}

function event() {
  expectMap(2);
  expectKey(K.name); const name = read();
  expectKey(K.payload); const payload = read();
  return { name, payload };
}

function viewCommand() {
  expectMap(3);
  expectKey(K.componentId); const componentId = read();
  expectKey(K.type); const type = read();
  expectKey(K.args); const args = read();
  return { componentId, type, args };
}

function log() {
  expectMap(3);
  expectKey(K.level); const level = read();
  expectKey(K.message); const message = read();
  expectKey(K.timestamp); const timestamp = read();
  return { level, message, timestamp };
}

function call() {
  expectMap(4);
  expectKey(K.id); const id = read();
  expectKey(K.extension); const extension = read();
  expectKey(K.method); const method = read();
  expectKey(K.args); const args = read();
  return { id, extension, method, args };
}

function list(record) {
  const n = listLength();
  const out = new Array(n);
  for (let i = 0; i < n; i++) out[i] = record();
  return out;
}

function errorInfo() {
  if (input[at] === 0xc0) { at++; return null; }
  expectMap(6);
  expectKey(K.code); const code = read();
  expectKey(K.message); const message = read();
  expectKey(K.stack); const stack = read();
  expectKey(K.line); const line = read();
  expectKey(K.column); const column = read();
  expectKey(K.sourceLine); const sourceLine = read();
  return { code, message, stack, line, column, sourceLine };
}

function metrics() {
  expectMap(8);
  expectKey(K.durationUs); const durationUs = read();
  expectKey(K.compileUs); const compileUs = read();
  expectKey(K.cacheHit); const cacheHit = read();
  expectKey(K.memoryBytes); const memoryBytes = read();
  expectKey(K.hostCalls); const hostCalls = read();
  expectKey(K.suspensions); const suspensions = read();
  expectKey(K.instructions); const instructions = read();
  expectKey(K.guestCpuUs); const guestCpuUs = read();
  return { durationUs, compileUs, cacheHit, memoryBytes, hostCalls, suspensions, instructions, guestCpuUs };
}

// An execution's result from the first length bytes of buffer.
function decodeResult(buffer, length = buffer.length) {
  begin(buffer);
  try {
    expectMap(10);
    expectKey(K.status); const status = read();
    expectKey(K.returnValue); const returnValue = read();
    expectKey(K.stateMutations); const stateMutations = list(mutation);
    expectKey(K.events); const events = list(event);
    expectKey(K.viewCommands); const viewCommands = list(viewCommand);
    expectKey(K.logs); const logs = list(log);
    expectKey(K.suspension); const suspension = input[at] === 0xc0 ? (at++, null) : call();
    expectKey(K.pendingCalls); const pendingCalls = list(call);
    expectKey(K.error); const error = errorInfo();
    expectKey(K.metrics); const m = metrics();
    if (at !== length) throw LAYOUT;
    return { status, returnValue, stateMutations, events, viewCommands, logs, suspension, pendingCalls, error, metrics: m };
  } catch (e) {
    if (e === LAYOUT) return decode(buffer, length);
    throw decodeFailure(e);
  } finally {
    input = null;
  }
}

module.exports = { encode, encodeContext, decode, decodeResult, MAX_DEPTH };
