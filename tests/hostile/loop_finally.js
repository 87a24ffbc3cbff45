// An endless loop in a finally block that runs after the interrupt, and a
// `continue` in finally that would discard the interrupt error if the
// engine let it: the hard stop ends it regardless.
// expect: TIMEOUT within=1500 timeout=200
for (;;) {
  try {
    while (true) {}
  } finally {
    continue;
  }
}
