// Nested try/catch/finally, each catching everything and looping again.
// expect: TIMEOUT within=1500 timeout=200
for (;;) {
  try {
    try { while (true) {} } catch (e) { while (true) {} } finally { while (true) {} }
  } catch (e) {
    // swallow and start over
  }
}
