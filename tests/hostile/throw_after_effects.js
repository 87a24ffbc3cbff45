// Effects before an uncaught error are dropped; logs are kept.
// expect: EXECUTION_ERROR
// caps: state:write:* events:emit:* view:update:*
// message: late failure
// log_count: 2
// result: {"stateMutations":[],"events":[],"viewCommands":[],"logs":[{"message":"one"},{"message":"two"}],"error":{"line":12,"sourceLine":"throw new Error('late failure');"}}
$state.a = 1;
$emit('e', 1);
$view.focus('c');
console.log('one');
console.log('two');
throw new Error('late failure');
