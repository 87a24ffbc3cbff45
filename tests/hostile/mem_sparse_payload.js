// A sparse array of length 2^32-1 sent as an event payload: every hole
// becomes nil, so the guest runs out of memory encoding the payload before
// the host could measure it against max_value_bytes.
// expect: MEMORY_LIMIT within=5000 memory=16
// caps: events:emit:e
const a = [];
a.length = 2 ** 32 - 1;
$emit('e', a);
