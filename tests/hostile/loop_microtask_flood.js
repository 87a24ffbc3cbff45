// Microtasks that schedule themselves forever: the job queue never drains.
// Each link of the chain stays alive, so memory grows too (~350 MB/s on the
// Segue build): the memory limit is set far enough for the deadline to come
// first on any build.
// expect: TIMEOUT within=1500 timeout=200 memory=512
const again = () => Promise.resolve().then(again);
again();
await new Promise(() => {});
