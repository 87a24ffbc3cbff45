// Returning a thenable whose then() never returns.
// expect: TIMEOUT within=1500 timeout=200
return { then() { for (;;); } };
