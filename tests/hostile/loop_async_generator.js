// An infinite async generator driven by for-await: every step is a microtask.
// expect: TIMEOUT within=1500 timeout=200
async function* ticks() { for (;;) yield 1; }
for await (const t of ticks()) { /* forever */ }
