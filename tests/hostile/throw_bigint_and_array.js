// A thrown BigInt prints as its digits.
// expect: EXECUTION_ERROR
// result: {"error":{"message":"123456789012345678901234567890"}}
throw 123456789012345678901234567890n;
