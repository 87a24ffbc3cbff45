// Closing the wrapper and turning its end into an object literal: a single
// function in the script, but not spanning the handler.
// expect: COMPILATION_ERROR
// message: not a function body
}, { a: (globalThis.ranAtLoad = true)
