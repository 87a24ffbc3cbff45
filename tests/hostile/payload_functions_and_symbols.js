// Functions and symbols cannot cross; symbol-keyed and function-valued
// members are not special-cased away: a function member is refused too,
// while a symbol key is simply not a string key (left out).
// expect: success
// caps: events:emit:*
// value: [["SERIALIZATION_ERROR","a function cannot cross the boundary"],["SERIALIZATION_ERROR","a Symbol cannot cross the boundary"],["SERIALIZATION_ERROR","a function cannot cross the boundary"],"crossed"]
const out = [];
for (const v of [() => 1, Symbol('s'), { f() {} }]) {
  try { $emit('e', v); out.push('crossed'); } catch (e) { out.push([e.code, e.message]); }
}
try { $emit('e', { [Symbol('k')]: 1, a: 2 }); out.push('crossed'); } catch (e) { out.push(e.code); }
return out;
