// A token grants exactly its name: "state:write:count" does not grant
// "count\u0000" (or "count " or "Count"), so nothing is written.
// expect: success
// caps: state:write:count events:emit:saved
// value: ["PERMISSION_DENIED","PERMISSION_DENIED","PERMISSION_DENIED","PERMISSION_DENIED"]
// result: {"stateMutations":[],"events":[]}
const out = [];
for (const f of [() => { $state['count\u0000'] = 1; }, () => { $state['count '] = 1; },
                 () => { $state.Count = 1; }, () => $emit('saved\u0000', 1)]) {
  try { f(); out.push('allowed'); } catch (e) { out.push(e.code); }
}
return out;
