// More distinct state keys than max_state_keys.
// expect: RESOURCE_LIMIT max_state_keys=50
// caps: state:write:*
// message: more than 50 state keys
for (let i = 0; i < 51; i++) $state['key' + i] = i;
