// 33 levels of nesting in the return value.
// expect: SERIALIZATION_ERROR
let v = [];
for (let i = 1; i < 33; i++) v = [v];
return v;
