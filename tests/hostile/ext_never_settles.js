// Awaiting a promise that can never settle (not an extension call).
// expect: EXECUTION_ERROR
// message: can never settle
await new Promise(() => {});
