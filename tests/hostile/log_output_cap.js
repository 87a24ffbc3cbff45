// With max_logs raised, 16 KiB messages until max_output_bytes (16 MiB, the
// sum of everything recorded) stops them.
// expect: RESOURCE_LIMIT within=5000 max_logs=100000
// message: output over 16777216 bytes
// log_count: 1024
// rss: 32
const line = 'O'.repeat(16 * 1024);
for (let i = 0; i < 2000; i++) $log.warn(line);
