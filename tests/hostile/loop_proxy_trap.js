// An endless loop in a Proxy trap, hit by a plain property read.
// expect: TIMEOUT within=1500 timeout=200
const p = new Proxy({}, { get() { for (;;); } });
return p.anything;
