// A thrown undefined.
// expect: EXECUTION_ERROR
// result: {"error":{"message":"undefined"}}
throw undefined;
