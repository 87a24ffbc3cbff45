// Promise.prototype.then (which the guest itself uses to collect the
// handler's outcome), Promise.resolve and Symbol.species, in strict mode:
// every attempt throws a TypeError.
// expect: success
// value: [5,["TypeError","TypeError","TypeError","TypeError","TypeError"]]
'use strict';
const errors = [];
const tries = [
  () => { Promise.prototype.then = function () { return 'pwned'; }; },
  () => { Promise.resolve = () => 'pwned'; },
  () => { Object.defineProperty(Promise, Symbol.species, { get: () => Object }); },
  () => { Promise.prototype.catch = null; },
  () => { Object.setPrototypeOf(Promise.prototype, null); },
];
for (const t of tries) { try { t(); errors.push('stuck'); } catch (e) { errors.push(e.name); } }
return [await Promise.resolve(5), errors];
