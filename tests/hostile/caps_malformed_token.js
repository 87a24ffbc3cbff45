// A malformed capability token (a '*' that is not the whole name): the
// execution does not start.
// expect: INVALID_ARGUMENT
// call: INVALID_ARGUMENT
// caps: state:write:user*
// message: malformed or unknown capability token
return 'ran';
