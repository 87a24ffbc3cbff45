// A getter that reads itself.
// expect: RESOURCE_LIMIT within=2000
const o = { get x() { return this.x; } };
return o.x;
