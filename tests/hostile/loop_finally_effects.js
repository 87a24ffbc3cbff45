// Effects attempted in a finally block after the deadline are dropped with
// the rest of the timed-out execution.
// expect: TIMEOUT within=1500 timeout=100
// caps: events:emit:* state:write:*
// result: {"events":[],"stateMutations":[]}
try {
  while (true) {}
} finally {
  $state.after = 'deadline';
  $emit('after', 1);
  return 'finally';
}
