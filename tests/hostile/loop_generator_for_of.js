// An infinite generator driven by for-of.
// expect: TIMEOUT within=1500 timeout=200
function* naturals() { let i = 0; for (;;) yield i++; }
let sum = 0;
for (const n of naturals()) sum += n;
return sum;
