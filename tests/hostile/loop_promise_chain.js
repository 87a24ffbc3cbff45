// An endless loop inside a promise reaction (a microtask run by the guest's
// job pump after the handler body returned its promise).
// expect: TIMEOUT within=1500 timeout=200
await Promise.resolve(1).then(function spin() { while (true) {} });
