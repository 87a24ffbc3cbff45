// Map, Set, WeakMap, WeakSet, RegExp, Error, Promise and wrapper objects are
// "other objects": only their own enumerable string-keyed properties cross
// (so a Map's entries do not, its expando property does; a String wrapper
// gives its index properties). Always a map32 header (df).
// expect: success
// value: [{},{},{},{},{},{},{"own":1},{"x":1},{},{},{"0":"a","1":"b"},{}]
// value_hex: 9cdf00000000df00000000df00000000df00000000df00000000df00000000df00000001a36f776e01df00000001a17801df00000000df00000000df00000002a130a161a131a162df00000000
return [new Map([['a', 1]]), new Set([1]), new WeakMap(), new WeakSet(), /re/g, new Error('x'),
        Object.assign(new Map(), { own: 1 }), new (class P { constructor() { this.x = 1; } })(),
        Promise.resolve(1), new Number(5), new String('ab'), new Boolean(false)];
