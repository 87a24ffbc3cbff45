// A lone surrogate in an event name.
// expect: INVALID_ARGUMENT
// caps: events:emit:*
// message: an event name is not valid UTF-8
$emit('evt' + String.fromCharCode(0xdc00), 1);
