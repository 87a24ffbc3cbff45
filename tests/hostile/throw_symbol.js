// A thrown Symbol cannot be converted to a string; the host gets a fixed
// message.
// expect: EXECUTION_ERROR
// result: {"error":{"message":"uncaught exception (unprintable value)"}}
throw Symbol('boom');
