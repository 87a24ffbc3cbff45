// Fields that are objects whose toString throws, or symbols.
// expect: EXECUTION_ERROR
// result: {"error":{"message":"uncaught exception"}}
throw { message: { toString() { throw new Error('no'); } }, name: Symbol('n'), code: { toString: null, valueOf: null } };
