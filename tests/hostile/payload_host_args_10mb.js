// 10 MB of arguments to a custom host interface.
// expect: RESOURCE_LIMIT within=5000
// caps: host:*
// rss: 32
return $host['acme:test/echo'].echo({ blob: 'x'.repeat(10 * 1024 * 1024) });
