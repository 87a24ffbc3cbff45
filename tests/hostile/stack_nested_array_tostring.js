// Array.prototype.toString over 100,000 nested arrays.
// expect: RESOURCE_LIMIT within=2000
let a = [];
for (let i = 0; i < 1e5; i++) a = [a];
return String(a).length;
