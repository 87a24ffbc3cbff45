// A handler that suspends on a deferred call: the suspended result carries
// the effects so far and the pending call; the runner then cancels it, and
// the instance it held must be back in the pool for the probe.
// expect: suspended
// caps: ext:db state:write:loading events:emit:started
// result: {"status":"suspended","stateMutations":[{"key":"loading","op":"set","value":true}],"events":[{"name":"started"}],"suspension":{"extension":"db","method":"get","args":["k",{"n":1}]},"pendingCalls":[{"extension":"db"}],"error":null}
$state.loading = true;
$emit('started');
return await $ext.db.get('k', { n: 1 });
