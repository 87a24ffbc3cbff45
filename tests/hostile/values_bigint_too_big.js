// BigInts outside 64 bits cannot cross: 2^64 and -(2^63)-1, in a state value
// (caught) and then as the return value.
// expect: SERIALIZATION_ERROR
// caps: state:write:*
// message: a BigInt outside 64 bits
try { $state.big = -(2n ** 63n) - 1n; } catch (e) { if (e.code !== 'SERIALIZATION_ERROR') return e.code; }
return { n: 2n ** 64n };
