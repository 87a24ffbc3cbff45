// Catching the interrupt and returning normally does not turn a timeout into
// a success: TIMEOUT comes from the host's own clock.
// expect: TIMEOUT within=1500 timeout=100
try {
  while (true) {}
} catch (e) {
  return 'caught ' + e.message;
}
