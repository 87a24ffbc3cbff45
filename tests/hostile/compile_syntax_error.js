// A syntax error is the handler's fault: nx_execute returns OK with a
// COMPILATION_ERROR result locating it.
// expect: COMPILATION_ERROR
// result: {"error":{"line":5}}
return 1 +;
