// A plain endless loop: the interrupt flag stops it at the deadline.
// expect: TIMEOUT within=1500 timeout=200
// message: 200 ms time limit
globalThis.leak = 'from loop_while_true';
while (1) {}
