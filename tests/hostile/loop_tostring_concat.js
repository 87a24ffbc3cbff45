// An endless loop in a toString called implicitly by string concatenation.
// expect: TIMEOUT within=1500 timeout=200
const o = { toString() { for (;;); } };
return 'value: ' + o;
