// A thrown string with a lone low surrogate.
// expect: EXECUTION_ERROR
throw 'oops ' + String.fromCharCode(0xdc00);
