// Replacing the globals the prelude itself uses (Object, Array, Proxy, JSON,
// String) breaks nothing the host enforces: without capabilities the host
// still refuses the write, whatever the handler did to the API's helpers.
// expect: PERMISSION_DENIED
// message: state:write:secret
globalThis.Object = { prototype: { hasOwnProperty: { call: () => true } }, freeze: (o) => o, keys: () => [] };
globalThis.Array = function () {};
globalThis.JSON = { stringify: () => '"forged"' };
globalThis.String = () => 'forged';
globalThis.Proxy = function () {};
$state.secret = 'written';
