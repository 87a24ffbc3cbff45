// Typed arrays of 512 KiB each, kept alive.
// expect: MEMORY_LIMIT within=5000 memory=16
const keep = [];
for (;;) keep.push(new Float64Array(1 << 16));
