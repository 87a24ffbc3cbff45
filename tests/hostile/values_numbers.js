// Numbers crossing in the return value. Integral numbers within +-(2^53-1)
// are MessagePack ints in their smallest form; everything else (fractions,
// -0, NaN, +-Infinity, 2^53) is a float64: NaN cb7ff8000000000000,
// -0 cb8000000000000000, Infinity cb7ff0000000000000, -Infinity
// cbfff0000000000000, 2^53 cb4340000000000000; 2^53-1 is
// cf001fffffffffffff, -(2^53-1) d3ffe0000000000001. In JSON NaN and the
// infinities become null and -0 stays -0.0.
// expect: success
// value: [null,-0.0,null,null,0,1.5,9007199254740991,9007199254740992.0,-9007199254740991,0.10000000000000001,255,-32,-33,65536,4294967296]
// value_hex: 9fcb7ff8000000000000cb8000000000000000cb7ff0000000000000cbfff000000000000000cb3ff8000000000000cf001fffffffffffffcb4340000000000000d3ffe0000000000001cb3fb999999999999accffe0d0dfce00010000cf0000000100000000
return [NaN, -0, Infinity, -Infinity, 0, 1.5, 2 ** 53 - 1, 2 ** 53, -(2 ** 53 - 1), 0.1, 255, -32, -33, 65536, 2 ** 32];
