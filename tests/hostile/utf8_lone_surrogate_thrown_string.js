// A thrown string with a lone low surrogate.
// expect: EXECUTION_ERROR
// bug: reported as WASM_ERROR, as for an Error message with a lone surrogate (guest/main.c write_error)
throw 'oops ' + String.fromCharCode(0xdc00);
