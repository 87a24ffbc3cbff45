// $time.now() is a counted host call: past max_host_calls it must throw
// RESOURCE_LIMIT like every other host call, not hand the handler a wrong
// time.
// expect: RESOURCE_LIMIT max_host_calls=10
const times = [];
for (let i = 0; i < 12; i++) times.push($time.now());
return times.map((t) => t > 0);
