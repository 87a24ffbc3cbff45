// Recursion without a loop: every call's entry checks the budget, so
// fib(40), which would run for minutes, stops at it.
// expect: RESOURCE_LIMIT within=20000 timeout=60000 max_instructions=2000000
function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
return fib(40);
