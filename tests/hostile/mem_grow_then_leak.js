// Grows guest memory to ~48 MiB, fills it, and leaves a global behind: the
// next execution must start from the snapshot (memory shrunk back, no
// global); the probe checks both.
// expect: success within=5000 memory=64
// value: 6291456
globalThis.bigLeak = new Float64Array(6 * 1024 * 1024).fill(1.5);
var leakVar = bigLeak;
return bigLeak.length;
