// Codes the API itself throws may be thrown by the handler too (docs/api.md).
// expect: PERMISSION_DENIED
// message: my own denial
const e = new Error('my own denial');
e.code = 'PERMISSION_DENIED';
throw e;
