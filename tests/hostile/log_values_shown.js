// What $log makes of hostile values: strings as they are, errors as
// "Name: message", others as JSON (or String() when JSON fails: cycles,
// BigInts, throwing toJSON), functions and symbols via String().
// expect: success
// result: {"logs":[{"message":"s"},{"message":"Error: e"},{"message":"{\"a\":1}"},{"message":"[object Object]"},{"message":"10"},{"message":"Symbol(x)"},{"message":"undefined null"},{"message":"[object Object]"}]}
const cyclic = {};
cyclic.self = cyclic;
console.log('s');
console.log(new Error('e'));
console.log({ a: 1 });
console.log(cyclic);
console.log(10n);
console.log(Symbol('x'));
console.log(undefined, null);
console.log({ toJSON() { throw new Error('no'); } });
