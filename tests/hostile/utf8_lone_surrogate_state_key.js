// A lone surrogate in a state key: the key is not valid UTF-8, so the host
// refuses it.
// expect: INVALID_ARGUMENT
// caps: state:write:*
// message: a state key is not valid UTF-8
$state['key\ud800'] = 1;
