// A Map with ever more entries.
// expect: MEMORY_LIMIT within=5000 memory=16
const m = new Map();
for (let i = 0; ; i++) m.set(i, { i });
