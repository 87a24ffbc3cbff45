// JSON.stringify of 100,000 nested arrays: quadratic work inside one
// built-in call, stopped by the hard stop.
// expect: TIMEOUT within=2000 timeout=300
let a = [];
for (let i = 0; i < 1e5; i++) a = [a];
return JSON.stringify(a).length;
