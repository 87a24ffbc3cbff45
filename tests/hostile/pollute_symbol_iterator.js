// Symbol.iterator overrides on String, Map, Set, the iterator prototypes
// and the Symbol registry.
// expect: success
// value: [["a","b"],[[1,2]],[3],["x"],"symbol"]
const tries = [
  () => { String.prototype[Symbol.iterator] = function* () { yield 'pwned'; }; },
  () => { Map.prototype[Symbol.iterator] = function* () {}; },
  () => { Set.prototype[Symbol.iterator] = function* () {}; },
  () => { Object.getPrototypeOf(new Map().entries()).next = () => ({ done: true }); },
  () => { Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()))[Symbol.iterator] = null; },
  () => { Symbol.iterator = Symbol('fake'); },
  () => { Object.defineProperty(Symbol, 'iterator', { value: Symbol('fake') }); },
  () => { Symbol.for = () => 'pwned'; },
];
for (const t of tries) { try { t(); } catch (e) { /* frozen */ } }
return [[...'ab'], [...new Map([[1, 2]])], [...new Set([3])], Array.from(['x']), typeof Symbol.for('x')];
