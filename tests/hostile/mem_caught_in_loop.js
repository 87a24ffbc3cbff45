// Allocation failures swallowed in a loop: the first one that reaches the cap
// ends the execution.
// expect: MEMORY_LIMIT within=5000 memory=16
const a = [];
for (;;) {
  try { a.push(new Array(1e6).fill(0)); } catch (e) { /* keep going */ }
}
