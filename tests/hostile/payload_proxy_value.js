// A Proxy as a value: its traps decide what is enumerated and read; the
// result is plain data. A revoked proxy throws a TypeError.
// expect: success
// caps: events:emit:*
// value: [{"a":"A","b":"B"},"TypeError"]
const p = new Proxy({}, {
  ownKeys: () => ['a', 'b'],
  getOwnPropertyDescriptor: () => ({ value: 0, enumerable: true, configurable: true }),
  get: (t, k) => String(k).toUpperCase(),
});
const r = Proxy.revocable({}, {});
r.revoke();
let revoked;
try { $emit('e', r.proxy); revoked = 'crossed'; } catch (e) { revoked = e.name; }
return [p, revoked];
