// Denied calls record nothing even when the handler catches the error and
// succeeds.
// expect: success
// caps: state:read:visible
// value: ["PERMISSION_DENIED","PERMISSION_DENIED","PERMISSION_DENIED","PERMISSION_DENIED","PERMISSION_DENIED","PERMISSION_DENIED"]
// result: {"stateMutations":[],"events":[],"viewCommands":[]}
const out = [];
for (const f of [() => { $state.visible = 1; }, () => $state.hidden, () => $state.keys(),
                 () => $emit('e', 1), () => $view.focus('c'), () => $emit.toast('hi')]) {
  try { f(); out.push('allowed'); } catch (e) { out.push(e.code); }
}
return out;
