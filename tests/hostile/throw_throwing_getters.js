// An object whose name, message, stack and code getters all throw: the
// report skips them.
// expect: EXECUTION_ERROR
// result: {"error":{"message":"uncaught exception","stack":null}}
throw {
  get name() { throw new Error('n'); },
  get message() { throw 1; },
  get stack() { throw Symbol('s'); },
  get code() { throw null; },
};
