// Returning a sparse array of length 2^32-1 (every hole encodes as nil):
// the encoder stops at max_value_bytes instead of growing the guest to
// hundreds of MB and ending in TIMEOUT.
// expect: RESOURCE_LIMIT within=5000 memory=16
// message: the return value: over the 1048576-byte limit
const a = [];
a.length = 2 ** 32 - 1;
return a;
