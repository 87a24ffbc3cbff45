// Compute-bound workload for the sandbox/native ratio: recursion and calls,
// integer loops over a typed array, floating-point arithmetic.
function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
function sieve(n) {
  const composite = new Uint8Array(n + 1);
  let primes = 0;
  for (let i = 2; i <= n; i++) {
    if (composite[i]) continue;
    primes++;
    for (let j = i * i; j <= n; j += i) composite[j] = 1;
  }
  return primes;
}
function mandelbrot(w) {
  let total = 0;
  for (let y = 0; y < w; y++)
    for (let x = 0; x < w; x++) {
      const cr = x / w * 3 - 2, ci = y / w * 2 - 1;
      let zr = 0, zi = 0, i = 0;
      while (i < 50 && zr * zr + zi * zi < 4) {
        const t = zr * zr - zi * zi + cr;
        zi = 2 * zr * zi + ci;
        zr = t;
        i++;
      }
      total += i;
    }
  return total;
}
var result = fib(24) + sieve(300000) + mandelbrot(120);
