// The same mapping for a state value: NaN, -0, a BigInt, a Date, bytes and
// a Map, as one array.
// expect: success
// caps: state:write:v
// mutation_hex: 96cb7ff8000000000000cb8000000000000000cf8000000000000000c70cff000000000000000000000000c4020102df00000000
// result: {"stateMutations":[{"key":"v","op":"set","value":[null,-0.0,9.2233720368547758e18,"1970-01-01T00:00:00.000Z","AQI=",{}]}]}
$state.v = [NaN, -0, 2n ** 63n, new Date(0), new Uint8Array([1, 2]), new Map([[1, 1]])];
