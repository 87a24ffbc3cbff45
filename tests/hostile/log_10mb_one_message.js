// One 10 MiB log message: over max_log_bytes (16 KiB).
// expect: RESOURCE_LIMIT within=5000
// message: a log message longer than 16384 bytes
// log_count: 0
// rss: 32
console.log('M'.repeat(10 * 1024 * 1024));
