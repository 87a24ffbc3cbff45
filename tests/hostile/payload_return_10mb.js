// A 10 MB return value.
// expect: RESOURCE_LIMIT within=5000
// rss: 40
return 'x'.repeat(10 * 1024 * 1024);
