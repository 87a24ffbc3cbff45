// A handler claiming INTERNAL_ERROR or WASM_ERROR (which would blame the
// library): kept as EXECUTION_ERROR.
// expect: EXECUTION_ERROR
const e = new Error('not my fault');
e.code = Math.random() < 2 ? 'INTERNAL_ERROR' : 'WASM_ERROR';
throw e;
