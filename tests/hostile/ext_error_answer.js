// An extension answering with an error: the await throws an Error with that
// message, uncaught it is an EXECUTION_ERROR.
// expect: EXECUTION_ERROR
// caps: ext:*
// message: the extension failed on purpose
await $ext.fail.call();
