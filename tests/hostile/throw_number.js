// A thrown number: EXECUTION_ERROR with its string form as the message.
// expect: EXECUTION_ERROR
// result: {"error":{"code":"EXECUTION_ERROR","message":"42","stack":null}}
throw 42;
