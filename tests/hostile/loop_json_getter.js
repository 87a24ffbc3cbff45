// An endless loop in a getter reached by JSON.stringify.
// expect: TIMEOUT within=1500 timeout=200
return JSON.stringify({ a: 1, get x() { for (;;); } });
