// Other ways to turn text into code: dynamic import (no module loader),
// timers with strings, and host-style globals. Documents what comes out.
// expect: success
// value: [["ReferenceError","could not load module 'data:text/javascript,export default 1'"],["undefined","undefined","undefined","undefined","undefined","undefined","undefined"],["TypeError","TypeError"]]
let imported;
try { await import('data:text/javascript,export default 1'); imported = ['reached']; } catch (e) { imported = [e.name, e.message]; }
const hosts = [typeof setTimeout, typeof setInterval, typeof require, typeof std, typeof os, typeof WebAssembly, typeof process];
const wait = [];
try { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1e9); wait.push('waited'); } catch (e) { wait.push(e.name); }
try { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 0); wait.push('waited'); } catch (e) { wait.push(e.name); }
return [imported, hosts, wait];
