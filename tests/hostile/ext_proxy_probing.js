// Probing the $ext proxies: symbols, then-ables, prototype tricks and
// writes do not reach the host or change the listing.
// expect: success
// caps: ext:*
// value: [null,null,null,["db","echo","fail"],false,false,["get","put"]]
const out = [];
out.push($ext[Symbol.iterator] === undefined ? null : 'iter');
out.push($ext.then === undefined ? null : 'then');
out.push($ext.db.then === undefined ? null : 'then');
try { $ext.db = 1; $ext.injected = 1; delete $ext.db; Object.defineProperty($ext, 'x', { value: 1 }); } catch (e) { /* refused */ }
out.push(Object.keys($ext));
out.push('injected' in $ext);
out.push(Object.getPrototypeOf($ext) === Object.prototype);
out.push(Object.keys($ext.db));
return out;
