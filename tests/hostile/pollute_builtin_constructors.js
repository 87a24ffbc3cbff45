// Built-in constructors and their statics: Object, Array, Error, RegExp,
// Date, String, Number, Reflect, Proxy.
// expect: success
// value: [["a"],true,"Error: x","function",0,"function",true]
const tries = [
  () => { Object.keys = () => ['pwned']; },
  () => { Array.isArray = () => false; },
  () => { Error.prototype.toString = () => 'pwned'; },
  () => { Error.prototype.name = 'pwned'; },
  () => { RegExp.prototype.exec = () => null; },
  () => { Date.now = () => 0; },
  () => { String.prototype.trim = null; },
  () => { Number.prototype.toFixed = null; },
  () => { Reflect.ownKeys = () => []; },
  () => { Proxy.revocable = null; },
];
for (const t of tries) { try { t(); } catch (e) { /* frozen */ } }
return [Object.keys({ a: 1 }), Array.isArray([]), String(new Error('x')), typeof ''.trim,
        /a/.exec('a').index, typeof Proxy.revocable, Date.now() > 0];
