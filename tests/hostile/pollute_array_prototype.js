// Array.prototype and the array iterator aimed at the next execution.
// expect: success
// value: [[2,4],3,[1,2],"function","1,2",false]
const tries = [
  () => { Array.prototype.map = () => 'pwned'; },
  () => { Array.prototype.push = function () { return -1; }; },
  () => { Array.prototype[Symbol.iterator] = function* () { yield 'pwned'; }; },
  () => { Object.getPrototypeOf([][Symbol.iterator]()).next = () => ({ done: true }); },
  () => { Array.prototype.join = () => 'pwned'; },
  () => { Object.defineProperty(Array.prototype, 0, { get() { return 'pwned'; } }); },
  () => { Array.prototype.length = 5; },
  () => { Array.from = () => []; },
  () => { Array.isArray = () => false; },
];
for (const t of tries) { try { t(); } catch (e) { /* frozen */ } }
const a = [1, 2];
return [a.map((x) => x * 2), a.push(3), [...[1, 2]], typeof Array.from, [1, 2].join(), [][0] === 'pwned'];
