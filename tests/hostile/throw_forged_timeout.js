// A handler claiming a host-only code: TIMEOUT comes only from the host's
// own clock, so this stays an EXECUTION_ERROR.
// expect: EXECUTION_ERROR within=1000
// message: fake timeout
throw Object.assign(new Error('fake timeout'), { code: 'TIMEOUT' });
