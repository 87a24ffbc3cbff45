// ArrayBuffer, typed arrays and DataView cross as bin holding exactly the
// viewed bytes (little-endian element bytes); JSON shows base64.
// expect: success
// value: ["AQIDBA==","AgM=","AwQ=","//8=","AAAAAAAA+D8=","//////////8=",""]
// value_hex: 97c40401020304c4020203c4020304c402ffffc408000000000000f83fc408ffffffffffffffffc400
const b = new ArrayBuffer(4);
new Uint8Array(b).set([1, 2, 3, 4]);
return [b, new Uint8Array(b, 1, 2), new DataView(b, 2), new Int16Array([-1]), new Float64Array([1.5]),
        new BigInt64Array([-1n]), new Uint8Array(0)];
