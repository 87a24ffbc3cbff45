// The same object twice (a DAG, not a cycle) crosses, copied each time.
// expect: success
// caps: events:emit:e
// result: {"events":[{"name":"e","payload":[{"v":1},{"v":1},{"w":[{"v":1}]}]}]}
const x = { v: 1 };
$emit('e', [x, x, { w: [x] }]);
