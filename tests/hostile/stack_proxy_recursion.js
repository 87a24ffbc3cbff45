// A Proxy get trap that reads through the proxy again.
// expect: RESOURCE_LIMIT within=2000
const p = new Proxy({}, { get(target, key, receiver) { return receiver[key]; } });
return p.x;
