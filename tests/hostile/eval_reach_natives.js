// Trying to reach the prelude's native functions (kept in its closure) or
// anything callable that is not the documented API: function.caller and
// arguments.callee.caller from callbacks the prelude and built-ins call,
// the stack of errors thrown by the API, and the API objects' own keys.
// Value: what each route yields.
// expect: success
// caps: state:read:k state:write:k
// value: [["undefined","undefined","undefined"],"undefined",true,[],["delete","get","has","keys","set","update"],[],true]
const out = [];
function sloppy() { return typeof sloppy.caller; }
function viaCallee() { return typeof arguments.callee.caller; }
out.push([[1].map(sloppy)[0], (() => { let r; $state.update('k', function cb() { r = typeof cb.caller; return 1; }); return r; })(), [1].map(viaCallee)[0]]);
let fromStack = 'undefined';
try { $state.set(Symbol('s'), 1); } catch (e) { fromStack = typeof e.nx; }
out.push(fromStack);
out.push(Object.isFrozen($state.get));
out.push(Object.getOwnPropertyNames($emit).filter((k) => !['length', 'name', 'prototype', 'toast'].includes(k)));
out.push(['get', 'set', 'delete', 'has', 'keys', 'update'].filter((k) => typeof $state[k] === 'function').sort());
out.push(Reflect.ownKeys($log).filter((k) => typeof $log[k] !== 'function'));
out.push(Object.isFrozen($view) && Object.isFrozen($time) && Object.isFrozen($log));
return out;
