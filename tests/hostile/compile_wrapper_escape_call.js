// Closing the wrapper, calling the closed function with code as its
// argument, and opening a second function for the wrapper's end: one
// expression, no statement break, still not a function body.
// expect: COMPILATION_ERROR
// message: not a function body
}(globalThis.ranAtLoad = true), async function () { return typeof ranAtLoad;
