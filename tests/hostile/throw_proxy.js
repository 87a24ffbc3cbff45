// A thrown Proxy whose every trap throws.
// expect: EXECUTION_ERROR
const boom = () => { throw new Error('trap'); };
throw new Proxy({}, { get: boom, has: boom, getOwnPropertyDescriptor: boom, ownKeys: boom, getPrototypeOf: boom });
