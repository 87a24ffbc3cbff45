// A caught stack overflow is an ordinary InternalError; the handler may
// carry on and succeed.
// expect: success
// value: ["InternalError","stack overflow",3]
function f() { f(); }
try { f(); } catch (e) { return [e.name, e.message, [1, 2].length + 1]; }
