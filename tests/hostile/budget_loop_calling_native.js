// A loop whose only call is a native function (push): a first design
// checked the budget on QuickJS's poll, whose slow path every call's entry
// shares, and this loop's own frame never reached it. The budget must stop
// it long before the memory limit (set far away) could.
// expect: RESOURCE_LIMIT within=20000 timeout=60000 memory=512 max_instructions=2000000
// message: budget of 2000000 instructions
const a = [];
for (let i = 0; ; i++) a.push(1);
