// The web globals' shapes (WebIDL): DOMException, interface objects,
// global operations; and their place in the frozen handler world.
assert.throws(TypeError, () => DOMException(), 'needs new');
assert.sameValue(DOMException.length, 0);
assert.sameValue(Object.getPrototypeOf(DOMException.prototype), Error.prototype);
const e = new DOMException('msg', 'DataCloneError');
assert.sameValue(e.name, 'DataCloneError');
assert.sameValue(e.message, 'msg');
assert.sameValue(e.code, 25);
assert.sameValue(e instanceof Error, true);
assert.sameValue(String(e), 'DataCloneError: msg', 'Error.prototype.toString');
assert.sameValue(Object.prototype.toString.call(e), '[object DOMException]');
const plain = new DOMException();
assert.sameValue(plain.name, 'Error');
assert.sameValue(plain.message, '');
assert.sameValue(plain.code, 0);
assert.sameValue(new DOMException(undefined, 'NotFoundError').code, 8);
assert.sameValue(new DOMException(1, 2).message, '1', 'ToString');
assert.sameValue(Object.keys(new DOMException('m')).length, 0, 'no own properties');
for (const k of ['name', 'message', 'code']) verifyAccessor(DOMException.prototype, k);
assert.sameValue(DOMException.DATA_CLONE_ERR, 25);
assert.sameValue(DOMException.prototype.INVALID_CHARACTER_ERR, 5);
const c = Object.getOwnPropertyDescriptor(DOMException, 'QUOTA_EXCEEDED_ERR');
assert(c.value === 22 && !c.writable && c.enumerable && !c.configurable, 'a constant');
assert.throws(TypeError, () => Object.getOwnPropertyDescriptor(DOMException.prototype, 'name').get.call({}));
class MyDOMError extends DOMException { constructor() { super('m', 'AbortError'); } }
assert.sameValue(new MyDOMError().code, 20);
assert.sameValue(new MyDOMError() instanceof MyDOMError, true);
// interface objects on the global: writable, configurable, not enumerable
for (const name of ['DOMException', 'TextEncoder', 'TextDecoder', 'URL', 'URLSearchParams', 'Crypto']) {
  const d = Object.getOwnPropertyDescriptor(globalThis, name);
  assert(d.writable && !d.enumerable && d.configurable, name + ' global');
  const proto = Object.getOwnPropertyDescriptor(d.value, 'prototype');
  assert(!proto.writable && !proto.enumerable && !proto.configurable, name + '.prototype');
  assert.sameValue(d.value.prototype.constructor, d.value, name + '.prototype.constructor');
  assert.sameValue(d.value.name, name);
}
// operations on the global: enumerable (WebIDL)
for (const name of ['structuredClone', 'atob', 'btoa', 'queueMicrotask']) {
  const d = Object.getOwnPropertyDescriptor(globalThis, name);
  assert(d.enumerable === true && d.writable && d.configurable, name + ' global');
}
const cd = Object.getOwnPropertyDescriptor(globalThis, 'crypto');
assert(cd.enumerable && cd.writable && cd.configurable, 'crypto');
// deliberately absent
for (const name of ['fetch', 'setTimeout', 'setInterval', 'XMLHttpRequest', 'WebSocket', 'Blob', 'Worker', 'WeakRef',
  'FinalizationRegistry', 'Iterator', 'Float16Array', 'SharedWorker', 'localStorage', 'performance', 'process', 'require'])
  assert.sameValue(typeof globalThis[name], 'undefined', name + ' is absent');
assert.sameValue(typeof crypto.subtle, 'undefined');
if (!raw) {
  // frozen like every other built-in, yet ordinary code still works
  for (const o of [URL, URL.prototype, URLSearchParams.prototype, TextEncoder.prototype, TextDecoder.prototype,
    DOMException, DOMException.prototype, Crypto.prototype, crypto, structuredClone, atob, Object.groupBy,
    Array.prototype.at, Set.prototype.union, Array.fromAsync, Promise.withResolvers,
    Object.getPrototypeOf(new URLSearchParams().keys())].entries())
    assert.sameValue(Object.isFrozen(o[1]), true, 'frozen #' + o[0]);
  assert.throws(TypeError, () => { 'use strict'; URL.prototype.extra = 1; });
  assert.throws(TypeError, () => { 'use strict'; Array.prototype.at = null; });
  assert.throws(TypeError, () => { 'use strict'; crypto.randomUUID = () => 'fixed'; });
  // every object reachable from the globals (guest/lockdown.c), but the handler API's own
  const skip = new Set([$state, $ext, $host, globalThis, $args, $scope, $handler]);
  const seen = new Set();
  const unfrozen = [];
  const walk = (o, path) => {
    if ((typeof o !== 'object' && typeof o !== 'function') || o === null || seen.has(o) || skip.has(o)) return;
    seen.add(o);
    if (!Object.isFrozen(o)) unfrozen.push(path);
    walk(Object.getPrototypeOf(o), path + '.[[Prototype]]');
    for (const k of Reflect.ownKeys(o)) {
      const d = Object.getOwnPropertyDescriptor(o, k);
      const name = path + '.' + String(k);
      if ('value' in d) walk(d.value, name);
      else { walk(d.get, name + '<get>'); walk(d.set, name + '<set>'); }
    }
  };
  for (const k of Reflect.ownKeys(globalThis)) {
    const d = Object.getOwnPropertyDescriptor(globalThis, k);
    walk('value' in d ? d.value : d.get, String(k));
  }
  for (const sample of [new URLSearchParams().keys(), new URL('http://a/'), new TextDecoder(), new DOMException(),
    [][Symbol.iterator](), new Map().entries(), new Set().values()])
    walk(Object.getPrototypeOf(sample), 'a sample');
  // a generator object's prototype is its function's own; the built-ins are beyond it
  for (const gen of [(function* () {})(), (async function* () {})(), function* () {}, async function () {}])
    walk(Object.getPrototypeOf(typeof gen === 'function' ? gen : Object.getPrototypeOf(gen)), 'a generator');
  assert(seen.size > 500, 'the walk reached the built-ins');
  assert.compareArray(unfrozen, [], 'not frozen');
}
return 'ok';
