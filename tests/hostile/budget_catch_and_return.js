// Catching the budget's error and returning normally: the error is
// uncatchable inside the engine, and the host decides from the count it
// reads itself, so the handler's return is not a success.
// expect: RESOURCE_LIMIT within=20000 timeout=60000 max_instructions=2000000
try {
  await (async () => { for (;;) {} })();
} catch (e) {
  return 'caught ' + e.message;
}
return 'fell through';
