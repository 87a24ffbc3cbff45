// Source that closes the async-function wrapper the library puts around a
// handler and opens a new one: it is not "the body of an async function"
// (include/nexus.h), so it should not compile. The code between the two
// functions would otherwise run at script level while the handler loads.
// expect: COMPILATION_ERROR
// message: not a function body
}); globalThis.ranAtLoad = true; (async function () { return typeof ranAtLoad;
