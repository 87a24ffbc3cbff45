// An Error whose message holds a lone surrogate: still an ordinary uncaught
// error (EXECUTION_ERROR), its message with U+FFFD.
// expect: EXECUTION_ERROR
// message: bad input
// bug: reported as WASM_ERROR ("the sandbox returned no usable outcome"): the guest copies error name/message/stack without replacing lone surrogates (guest/main.c write_prop_string), the report is not valid UTF-8 and the host discards it
throw new Error('bad input \ud800');
