// A sparse array of length 2^32-1 sent as an event payload: every hole
// becomes nil. The guest's encoder stops as soon as the encoding passes
// max_value_bytes (it once ran out of memory first, or ran to the
// timeout), so this ends quickly, with the host's own limit named.
// expect: RESOURCE_LIMIT within=5000 memory=16
// message: an event payload: over the 1048576-byte limit
// caps: events:emit:e
const a = [];
a.length = 2 ** 32 - 1;
$emit('e', a);
