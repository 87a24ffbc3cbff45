// Data aimed at built-in statics and registries: frozen namespaces,
// RegExp legacy statics, Error.stackTraceLimit, the Symbol registry, a
// WeakMap keyed by an intrinsic, expando properties on frozen functions.
// Value: what this execution sees of its own attempts.
// expect: success
// value: ["undefined","undefined","undefined","undefined","undefined","undefined",true]
const tries = [
  () => { Math.leak = 'secret'; },
  () => { JSON.leak = 'secret'; },
  () => { Reflect.leak = 'secret'; },
  () => { RegExp.leak = 'secret'; /x(secret)/.exec('xsecret'); },
  () => { Error.stackTraceLimit = 0; Error.leak = 'secret'; },
  () => { Date.leak = 'secret'; },
  () => { Symbol.for('nexus-leak'); },
  () => { Array.prototype.map.leak = 'secret'; },
];
for (const t of tries) { try { t(); } catch (e) { /* frozen */ } }
const wm = new WeakMap([[Object.prototype, 'secret']]);
return [typeof Math.leak, typeof JSON.leak, typeof Reflect.leak, typeof RegExp.leak,
        typeof Error.leak, typeof Array.prototype.map.leak, wm.get(Object.prototype) === 'secret'];
