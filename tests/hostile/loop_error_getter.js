// The handler ends by throwing an object whose `message` getter loops
// forever. The loop runs while the guest reports the error, after the
// handler's own code is done; the deadline still applies.
// expect: TIMEOUT within=1500 timeout=200
throw { get message() { for (;;); } };
