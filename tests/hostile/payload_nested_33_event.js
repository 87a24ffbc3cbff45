// 33 levels of nested arrays in an event payload.
// expect: SERIALIZATION_ERROR
// caps: events:emit:*
let v = [];
for (let i = 1; i < 33; i++) v = [v];
$emit('deep', v);
