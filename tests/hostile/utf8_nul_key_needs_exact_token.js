// A token grants exactly its name: "state:write:count" does not grant
// "count " or "Count" (PERMISSION_DENIED); "count\u0000" is not a key at all
// (INVALID_ARGUMENT: keys and names may not hold U+0000). Nothing is written.
// expect: success
// caps: state:write:count events:emit:saved
// value: ["INVALID_ARGUMENT","PERMISSION_DENIED","PERMISSION_DENIED","INVALID_ARGUMENT"]
// result: {"stateMutations":[],"events":[]}
const out = [];
for (const f of [() => { $state['count\u0000'] = 1; }, () => { $state['count '] = 1; },
                 () => { $state.Count = 1; }, () => $emit('saved\u0000', 1)]) {
  try { f(); out.push('allowed'); } catch (e) { out.push(e.code); }
}
return out;
