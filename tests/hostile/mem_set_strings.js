// A Set of ever more distinct strings (each one a new atom-sized string).
// expect: MEMORY_LIMIT within=5000 memory=16
const s = new Set();
for (let i = 0; ; i++) s.add('key-' + i);
