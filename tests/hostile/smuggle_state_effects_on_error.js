// Effects of a failed execution are dropped: the state write, event and view
// command never reach the host, and the next execution's result (the probe)
// carries none of them. Only the log is kept.
// expect: EXECUTION_ERROR
// caps: state:write:* events:emit:* view:update:*
// message: boom
// result: {"stateMutations":[],"events":[],"viewCommands":[],"logs":[{"message":"kept","level":"info"}]}
$state.smuggled = 'secret';
$emit('smuggled', { secret: true });
$view.focus('smuggled');
console.log('kept');
throw new Error('boom');
