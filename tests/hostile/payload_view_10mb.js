// 10 MB of view command arguments.
// expect: RESOURCE_LIMIT within=5000
// caps: view:update:*
// rss: 32
$view.command('list', 'replace', { rows: 'x'.repeat(10 * 1024 * 1024) });
