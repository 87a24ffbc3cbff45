// An Error whose message holds a lone surrogate: still an ordinary uncaught
// error (EXECUTION_ERROR), its message with U+FFFD.
// expect: EXECUTION_ERROR
// message: bad input
throw new Error('bad input \ud800');
