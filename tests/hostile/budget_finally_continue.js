// A `continue` in finally that would discard the budget's error if the
// engine let a finally block run for it: it does not, the loop ends.
// expect: RESOURCE_LIMIT within=20000 timeout=60000 max_instructions=2000000
for (;;) {
  try {
    while (true) {}
  } finally {
    continue;
  }
}
