// A thrown object without a prototype and without fields.
// expect: EXECUTION_ERROR
// result: {"error":{"message":"uncaught exception"}}
throw Object.create(null);
