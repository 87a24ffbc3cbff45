// Replaces console (a writable global) with a capturing logger and stores
// data in the prelude's cached listings ($ext, $host); the next execution
// gets the original, frozen console and fresh listings.
// expect: success
// caps: ext:*
// log_count: 1
// value: ["captured",["db","echo","fail"],["acme:test/echo"]]
const captured = [];
globalThis.console = { log: (...a) => captured.push(a.join(' ')) };
console.log('captured');
$log.info('real log');
const keys = Object.keys($ext);
keys.push('forged');
return [captured[0], Object.keys($ext), Object.keys($host)];
