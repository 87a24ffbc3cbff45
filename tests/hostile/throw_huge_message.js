// An Error with a 2 MiB message. The handler threw: EXECUTION_ERROR, its
// message shortened to the 8 KiB error-text limit (guest/abi.h) and marked
// with "...", its line kept.
// expect: EXECUTION_ERROR within=5000
// message: xxxxxxxxxxxxxxxx...
throw new Error('x'.repeat(2 * 1024 * 1024));
