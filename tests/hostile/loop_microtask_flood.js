// Microtasks that schedule themselves forever: the job queue never drains.
// expect: TIMEOUT within=1500 timeout=200
const again = () => Promise.resolve().then(again);
again();
await new Promise(() => {});
