// The same mapping for extension arguments (a MessagePack array of the
// arguments), and what comes back when the extension answers with them:
// NaN and -0 survive, a BigInt within 2^53 comes back as a number and one
// above as a BigInt, Dates as Dates, bytes as a Uint8Array, a Map as a plain
// object.
// expect: success
// caps: ext:echo
// ext_args_hex: 97cb7ff8000000000000cb80000000000000000acf8000000000000000c70cff000000000000000000000000c40109df00000000
// value: [true,true,"number","bigint",true,true,0,true,9,"object",true]
const a = await $ext.echo.args(NaN, -0, 10n, 2n ** 63n, new Date(0), new Uint8Array([9]), new Map([[1, 2]]));
return [Number.isNaN(a[0]), Object.is(a[1], -0), typeof a[2], typeof a[3], a[3] === 2n ** 63n,
        a[4] instanceof Date, a[4].getTime(), a[5] instanceof Uint8Array, a[5][0], typeof a[6],
        Object.getPrototypeOf(a[6]) === Object.prototype];
