// The API refuses malformed calls with INVALID_ARGUMENT: non-string keys and
// names, $state.update without a function, accessors defined on $state,
// an empty event name.
// expect: success
// caps: state:read:* state:write:* events:emit:*
// value: ["INVALID_ARGUMENT","INVALID_ARGUMENT","INVALID_ARGUMENT","INVALID_ARGUMENT","INVALID_ARGUMENT","INVALID_ARGUMENT","INVALID_ARGUMENT"]
// result: {"stateMutations":[],"events":[]}
const out = [];
for (const f of [() => $state.set(123, 1), () => $state.get({ toString: () => 'k' }),
                 () => $state.update('k', 'not a function'),
                 () => Object.defineProperty($state, 'k', { get: () => 1 }),
                 () => { $state[Symbol('s')] = 1; }, () => $emit('', 1), () => $emit(42, 1)]) {
  try { f(); out.push('accepted'); } catch (e) { out.push(e.code); }
}
return out;
