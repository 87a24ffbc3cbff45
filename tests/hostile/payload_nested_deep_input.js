// A state snapshot nested 32 levels deep (the map itself is the first
// level) is accepted, and the handler reads every level.
// expect: success
// caps: state:read:*
// state: {"deep":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["bottom"]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}
// value: ["bottom",31]
let v = $state.deep, d = 0;
while (Array.isArray(v)) { v = v[0]; d++; }
return [v, d];
