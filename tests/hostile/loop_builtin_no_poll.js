// A single built-in call that runs for billions of steps without polling the
// interrupt flag (join over a sparse array of length 2^32-1): the hard stop.
// expect: TIMEOUT within=1500 timeout=200
const a = [];
a.length = 2 ** 32 - 1;
return a.join('').length;
