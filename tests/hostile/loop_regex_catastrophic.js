// Catastrophic backtracking: the regular-expression engine never polls the
// interrupt flag, so only the watchdog's hard stop (deadline + 50 ms) ends it.
// expect: TIMEOUT within=1500 timeout=200
return /(a+)+$/.test('a'.repeat(40) + 'b');
