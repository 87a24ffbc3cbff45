// A thrown null.
// expect: EXECUTION_ERROR
// result: {"error":{"message":"null"}}
throw null;
