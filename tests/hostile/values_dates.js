// Dates cross as the MessagePack timestamp extension (type -1), always in
// its 96-bit form (c7 0c ff, nanoseconds u32, seconds i64): 0,
// -1 ms (seconds -1, nanoseconds 999000000), 1.5 ms (the Date itself holds
// 1 ms), the largest Date and 2^32 s. An invalid Date is nil. JSON shows
// ISO-8601 strings in UTC.
// expect: success
// value: ["1970-01-01T00:00:00.000Z","1969-12-31T23:59:59.999Z","1970-01-01T00:00:00.001Z",null,"+275760-09-13T00:00:00.000Z","2106-02-07T06:28:16.000Z"]
// value_hex: 96c70cff000000000000000000000000c70cff3b8b87c0ffffffffffffffffc70cff000f42400000000000000000c0c70cff00000000000007dba8218000c70cff000000000000000100000000
return [new Date(0), new Date(-1), new Date(1.5), new Date(NaN), new Date(8.64e15), new Date(2 ** 32 * 1000)];
