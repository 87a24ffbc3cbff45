// A Symbol as a value cannot cross, in any position.
// expect: SERIALIZATION_ERROR
// message: a Symbol cannot cross the boundary
return { list: [1, Symbol.iterator] };
