// Object.prototype pollution aimed at the next execution, in sloppy mode:
// assignments, defineProperty, __proto__ tricks, legacy accessors and
// setPrototypeOf. Nothing sticks even in this execution (the prototype is
// frozen); the probe checks the next one.
// expect: success
// value: [null,null,null,null,null,false]
const tries = [
  () => { Object.prototype.polluted = 1; },
  () => { ({}).__proto__.polluted = 1; },
  () => { Object.defineProperty(Object.prototype, 'polluted', { value: 1, enumerable: true }); },
  () => { Object.prototype.__defineGetter__('polluted', () => 1); },
  () => { Object.setPrototypeOf(Object.prototype, { polluted: 1 }); },
  () => { Object.prototype.__proto__ = { polluted: 1 }; },
  () => { Object.prototype.then = (r) => r(42); },
  () => { Object.prototype.toString = () => 'pwned'; },
  () => { Object.prototype.hasOwnProperty = () => true; },
  () => { Object.assign(Object.prototype, { polluted: 1 }); },
  () => { Reflect.set(Object.prototype, 'polluted', 1); },
];
for (const t of tries) { try { t(); } catch (e) { /* frozen */ } }
const o = {};
return [o.polluted, o.then, [].polluted, (() => 0).polluted, Object.create(null).polluted,
        String(o) === 'pwned'];
