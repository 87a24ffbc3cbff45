// A handler that swallows every logging error keeps running; what it logged
// within the limits is delivered with its success.
// expect: success within=5000 max_logs=10 max_log_bytes=100
// log_count: 10
// value: 3000
let refused = 0;
for (let i = 0; i < 1000; i++) {
  for (const m of ['ok', 'x'.repeat(101), 'fine']) {
    try { console.log(m); } catch (e) { if (e.code === 'RESOURCE_LIMIT') refused++; }
  }
}
return refused + 10;
