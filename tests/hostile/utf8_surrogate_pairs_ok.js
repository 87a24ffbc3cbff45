// Proper surrogate pairs are valid everywhere: keys, names, values, logs.
// expect: success
// caps: state:write:* events:emit:* view:update:*
// value: "😀"
// result: {"stateMutations":[{"key":"k😀","value":"v😀"}],"events":[{"name":"e😀","payload":"p😀"}],"viewCommands":[{"componentId":"c😀","type":"t😀"}],"logs":[{"message":"l😀"}]}
$state['k\ud83d\ude00'] = 'v\ud83d\ude00';
$emit('e😀', 'p😀');
$view.command('c😀', 't😀', {});
console.log('l😀');
return '\u{1F600}';
