// An endless loop inside the function given to $state.update.
// expect: TIMEOUT within=1500 timeout=200
// caps: state:read:k state:write:k
$state.update('k', () => { for (;;); });
