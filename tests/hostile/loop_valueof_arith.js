// An endless loop in a valueOf called implicitly by arithmetic.
// expect: TIMEOUT within=1500 timeout=200
const o = { valueOf() { for (;;); } };
return o * 2;
