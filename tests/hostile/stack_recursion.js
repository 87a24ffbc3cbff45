// Unbounded recursion: QuickJS's stack check throws, and uncaught it is a
// RESOURCE_LIMIT.
// expect: RESOURCE_LIMIT within=2000
// message: stack overflow
function f(n) { return f(n + 1) + 1; }
return f(0);
