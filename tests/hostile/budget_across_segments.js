// The budget covers the whole execution, not one segment: each segment
// runs about 100,000 instructions, far under the budget, but the budget
// is spent after a few resumes.
// expect: RESOURCE_LIMIT within=20000 timeout=60000 max_instructions=500000
// caps: ext:db
// resume: 1
for (let i = 0; i < 1000; i++) {
  await $ext.db.get(i);
  for (let j = 0; j < 10000; j++) {}
}
return 'never';
