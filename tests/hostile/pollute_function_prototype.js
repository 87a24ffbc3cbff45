// Function.prototype: call/apply/bind/toString and Symbol.hasInstance.
// expect: success
// value: [3,3,3,true,true]
const tries = [
  () => { Function.prototype.call = () => 'pwned'; },
  () => { Function.prototype.apply = () => 'pwned'; },
  () => { Function.prototype.bind = () => () => 'pwned'; },
  () => { Function.prototype.toString = () => 'pwned'; },
  () => { Object.defineProperty(Function.prototype, Symbol.hasInstance, { value: () => true }); },
  () => { Function.prototype.polluted = 1; },
];
for (const t of tries) { try { t(); } catch (e) { /* frozen */ } }
const add = (a, b) => a + b;
return [add.call(null, 1, 2), add.apply(null, [1, 2]), add.bind(null, 1)(2),
        !({} instanceof Array), add.polluted === undefined];
