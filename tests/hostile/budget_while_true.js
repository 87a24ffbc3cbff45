// An endless loop under an instruction budget and a time limit it cannot
// reach first: the budget ends it, RESOURCE_LIMIT, not TIMEOUT.
// expect: RESOURCE_LIMIT within=20000 timeout=60000 max_instructions=2000000
// message: budget of 2000000 instructions
while (true) {}
