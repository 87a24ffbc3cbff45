// Catastrophic backtracking reached through String.prototype.replace with a
// replacer function, inside a try/catch that cannot catch the hard stop.
// expect: TIMEOUT within=1500 timeout=200
try {
  return ('x'.repeat(32) + '!').replace(/^(x|x?)+$/, () => 'matched');
} catch (e) {
  return 'caught';
}
