// An array of small arrays that grows without end.
// expect: MEMORY_LIMIT within=5000 memory=16
const a = [];
for (;;) a.push([0, 1, 2, 3]);
