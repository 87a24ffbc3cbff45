// Data left for the next execution in globals: a globalThis property, a
// top-level var (the handler is a function body, so var is local), an
// implicit global, a defined non-configurable property, and a replaced
// writable built-in binding. The probe checks none survive.
// expect: success
// value: ["secret","secret","secret","secret","function"]
globalThis.leak = 'secret';
var leakVar = 'secret';
leakImplicit = 'secret';
Object.defineProperty(globalThis, 'leakFixed', { value: 'secret', enumerable: false, configurable: false, writable: false });
globalThis.console = { log: () => 'captured', info: () => 'captured' };
globalThis.JSON = { parse: () => 'forged', stringify: () => 'forged' };
return [globalThis.leak, leakVar, globalThis.leakImplicit, globalThis.leakFixed, typeof console.log];
