// A loop made of microtasks (each turn a new job, no backward jump inside
// a job): every job starts with a poll, so the budget still ends it. spin
// returns nothing, so no chain of promises is kept: memory stays flat and
// only the budget can end it.
// expect: RESOURCE_LIMIT within=20000 timeout=60000 max_instructions=2000000
const spin = () => { Promise.resolve().then(spin); };
spin();
await new Promise(() => {});
