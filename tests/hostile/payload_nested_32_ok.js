// Exactly 32 levels of nesting cross (as a state value, a payload and the
// return value).
// expect: success
// caps: state:write:* events:emit:*
// value: 32
let v = {};
for (let i = 1; i < 32; i++) v = { n: v };
$state.deep = v;
$emit('deep', v);
let depth = 0;
for (let c = v; c; c = c.n) depth++;
return depth;
