// 10 MiB of log output in 1024 messages of 10 KiB: the 1001st message is
// over max_logs (1000). The failed result keeps the 1000 logs (10 MB): the
// process may grow by about that much while the result lives, and must give
// it back once the result is freed.
// expect: RESOURCE_LIMIT within=5000
// message: more than 1000 log messages
// log_count: 1000
// rss: 24
const line = 'L'.repeat(10 * 1024);
for (let i = 0; i < 1024; i++) console.log(line);
