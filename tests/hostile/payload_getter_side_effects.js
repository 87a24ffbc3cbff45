// A payload getter that emits while the outer payload is being encoded: the
// inner event reaches the host first, then the outer one with the getter's
// value.
// expect: success
// caps: events:emit:*
// result: {"events":[{"name":"inner","payload":1},{"name":"outer","payload":{"x":2}}]}
$emit('outer', { get x() { $emit('inner', 1); return 2; } });
