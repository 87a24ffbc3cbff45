// A lone surrogate in a key being read ($state.get and `in`), caught: each
// read throws INVALID_ARGUMENT.
// expect: success
// caps: state:read:*
// value: ["INVALID_ARGUMENT","INVALID_ARGUMENT"]
const out = [];
try { $state.get(String.fromCharCode(0xdc00)); out.push('read'); } catch (e) { out.push(e.code); }
try { out.push('\ud800' in $state ? 'in' : 'not in'); } catch (e) { out.push(e.code); }
return out;
