// 33 levels of nesting in a state value.
// expect: SERIALIZATION_ERROR
// caps: state:write:*
// message: deeper than 32
let v = {};
for (let i = 1; i < 33; i++) v = { n: v };
$state.deep = v;
