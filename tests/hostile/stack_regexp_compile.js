// Compiling a regular expression with 100,000 nested groups.
// expect: RESOURCE_LIMIT within=2000
return new RegExp('(?:'.repeat(1e5) + ')'.repeat(1e5)).test('');
