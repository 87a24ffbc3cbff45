// Allocation-heavy workload (objects, arrays, strings): reported beside the
// compute-bound ratio; the engine here spends much of its time in malloc.
function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
function loop(n) { let s = 0; for (let i = 0; i < n; i++) s = (s + i * 7) % 1000003; return s; }
function strings(n) { let a = []; for (let i = 0; i < n; i++) a.push('x' + i); return a.join(',').length; }
function objects(n) { let m = 0; for (let i = 0; i < n; i++) { const o = { a: i, b: [i, i + 1] }; m += o.b[1] - o.a; } return m; }
var result = fib(25) + loop(1000000) + strings(50000) + objects(200000);
