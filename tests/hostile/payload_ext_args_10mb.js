// 10 MB of extension call arguments: refused before the extension is called.
// expect: RESOURCE_LIMIT within=5000
// caps: ext:*
// message: extension call arguments
// rss: 32
return await $ext.echo.args('x'.repeat(10 * 1024 * 1024));
