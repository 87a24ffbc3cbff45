// Host calls past max_host_calls throw RESOURCE_LIMIT; a handler that
// swallows the error spins until the deadline. The 100 logs that got through
// are kept on the failed result.
// expect: TIMEOUT within=1500 timeout=200 max_host_calls=100
// log_count: 100
for (;;) {
  try { $log.info('tick'); } catch (e) { /* ignore the limit */ }
}
