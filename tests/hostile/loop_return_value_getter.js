// The return value has a getter that never returns: the loop runs while
// the guest encodes the value for the host.
// expect: TIMEOUT within=1500 timeout=200
return { ok: true, get slow() { for (;;); } };
