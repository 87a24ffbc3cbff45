// Registers symbols and hangs data off the registry's symbols (which are
// primitives, so it cannot) and off the well-known symbols' wrapper objects.
// expect: success
// value: [true,"undefined","undefined"]
const s = Symbol.for('nexus-smuggle');
try { s.leak = 'secret'; } catch (e) { /* primitive */ }
try { Object(Symbol.iterator).leak = 'secret'; } catch (e) { /* new wrapper */ }
try { Symbol.prototype.leak = 'secret'; } catch (e) { /* frozen */ }
return [Symbol.keyFor(s) === 'nexus-smuggle', typeof s.leak, typeof Symbol.iterator.leak];
