// A thrown revoked Proxy: any property read throws a TypeError.
// expect: EXECUTION_ERROR
const { proxy, revoke } = Proxy.revocable(new Error('hidden'), {});
revoke();
throw proxy;
