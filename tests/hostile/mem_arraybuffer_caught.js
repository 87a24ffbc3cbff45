// Reaching the cap ends the execution at once: the handler's catch never
// runs, so it cannot keep going at the limit.
// expect: MEMORY_LIMIT within=2000 memory=16
try {
  new ArrayBuffer(1 << 30);
} catch (e) {
  return 'caught ' + e.name;
}
return 'survived';
