// A method named with a lone surrogate that throws: the name appears in the
// error's stack trace.
// expect: EXECUTION_ERROR
// message: plain message
// bug: reported as WASM_ERROR: the stack ("at \ud800 (<handler>:N)") reaches the host with the lone surrogate (guest/main.c write_prop_string)
const o = { ['\ud800']() { throw new Error('plain message'); } };
o['\ud800']();
