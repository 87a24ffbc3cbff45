// Rewriting one key many times is not a new key each time, and the result
// carries one mutation with the final value.
// expect: success max_state_keys=1
// caps: state:write:k
// result: {"stateMutations":[{"key":"k","op":"set","value":999}]}
for (let i = 0; i < 1000; i++) $state.k = i;
