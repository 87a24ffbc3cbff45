// Closures, each capturing its own binding and a growing array.
// expect: MEMORY_LIMIT within=5000 memory=16
const fns = [];
for (let i = 0; ; i++) {
  const captured = [i, i + 1];
  fns.push(() => captured[0] + i);
}
