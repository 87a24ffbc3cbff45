// The same pollution attempts in strict mode: each one throws a TypeError
// instead of failing silently. Value: how many of the 8 threw TypeError.
// expect: success
// value: 8
'use strict';
const tries = [
  () => { Object.prototype.x = 1; },
  () => { Array.prototype.push = null; },
  () => { Function.prototype.call = null; },
  () => { JSON.parse = null; },
  () => { Math.max = null; },
  () => { Promise.prototype.then = null; },
  () => { Array.prototype[Symbol.iterator] = null; },
  () => { Object.prototype.toString = null; },
];
let typeErrors = 0;
for (const t of tries) { try { t(); } catch (e) { if (e instanceof TypeError) typeErrors++; } }
return typeErrors;
