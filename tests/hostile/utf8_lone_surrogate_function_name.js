// A method named with a lone surrogate that throws: the name appears in the
// error's stack trace.
// expect: EXECUTION_ERROR
// message: plain message
const o = { ['\ud800']() { throw new Error('plain message'); } };
o['\ud800']();
