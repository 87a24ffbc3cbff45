// BigInts within 64 bits cross as MessagePack ints (uint64 above 2^63-1,
// int64 below zero), whatever their size relative to 2^53; JSON prints
// uint64 values above 2^63-1 as reals.
// expect: success
// value_hex: 980001ffcf0020000000000000cf7fffffffffffffffcf8000000000000000cfffffffffffffffffd38000000000000000
// value: [0,1,-1,9007199254740992,9223372036854775807,9.2233720368547758e18,1.8446744073709552e19,-9223372036854775808]
return [0n, 1n, -1n, 2n ** 53n, 2n ** 63n - 1n, 2n ** 63n, 2n ** 64n - 1n, -(2n ** 63n)];
