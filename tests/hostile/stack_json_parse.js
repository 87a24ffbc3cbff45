// JSON.parse of 100,000 nested arrays.
// expect: RESOURCE_LIMIT within=2000
return JSON.parse('['.repeat(1e5) + ']'.repeat(1e5)).length;
