// A 10 MB state value.
// expect: RESOURCE_LIMIT within=5000
// caps: state:write:*
// message: a state value: over the 1048576-byte limit
// rss: 32
$state.big = 'x'.repeat(10 * 1024 * 1024);
