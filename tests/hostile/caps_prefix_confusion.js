// A token's name is exact. The token state:read:user does not grant the
// key user:name, the token events:emit:a does not grant the event a:b, and
// a token of one kind grants nothing of another (state:write:events:emit:b
// is a state key, not an event).
// expect: success
// caps: state:read:user events:emit:a ext:db state:write:events:emit:b
// state: {"user":1,"user:name":2}
// value: [1,"PERMISSION_DENIED","PERMISSION_DENIED","PERMISSION_DENIED"]
const out = [$state.user];
for (const f of [() => $state['user:name'], () => $emit('a:b', 1), () => $emit('b', 1)]) {
  try { f(); out.push('allowed'); } catch (e) { out.push(e.code); }
}
return out;
