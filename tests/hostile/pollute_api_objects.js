// The API objects themselves: non-writable globals, frozen or proxies that
// refuse definitions. Value: typeof each API global afterwards, and whether
// $emit.toast was replaced.
// expect: success
// value: ["object","function","object","object","object","object","object",false,"function"]
const tries = [
  () => { $state = {}; },
  () => { $emit = () => {}; },
  () => { $log = {}; },
  () => { $view = null; },
  () => { $ext = null; },
  () => { $host = null; },
  () => { $time = null; },
  () => { $emit.toast = () => 'pwned'; },
  () => { delete globalThis.$state; },
  () => { Object.defineProperty(globalThis, '$ext', { value: {} }); },
  () => { $ext.db = 'pwned'; },
  () => { $log.info = null; },
];
for (const t of tries) { try { t(); } catch (e) { /* refused */ } }
return [typeof $state, typeof $emit, typeof $log, typeof $view, typeof $ext, typeof $host, typeof $time,
        $emit.toast.toString().includes('pwned'), typeof $log.info];
