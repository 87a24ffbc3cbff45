// U+0000 is valid UTF-8 and may appear in keys and names. Two distinct keys
// "count" and "count\u0000x" must stay distinct in the result.
// expect: success
// caps: state:write:*
// result: {"stateMutations":[{"key":"count\u0000x","value":1},{"key":"count","value":2}]}
// bug: the C API reports mutation keys, event names, component ids and log messages as NUL-terminated strings, so "count\u0000x" is reported as "count": two mutations with the same key (and nx_result_to_json prints "count" twice)
$state['count\u0000x'] = 1;
$state.count = 2;
