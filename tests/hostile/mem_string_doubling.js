// A string that doubles until memory runs out.
// expect: MEMORY_LIMIT within=5000 memory=16
// message: 16 MiB memory limit
let s = 'x';
for (;;) s += s;
