// A 10 MB event payload: refused by the host against max_value_bytes
// (1 MiB), after the guest built it. The process must not keep it.
// expect: RESOURCE_LIMIT within=5000
// caps: events:emit:*
// message: over the 1048576-byte limit
// rss: 32
$emit('big', 'x'.repeat(10 * 1024 * 1024));
