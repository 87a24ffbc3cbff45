// The same mapping for an event payload.
// expect: success
// caps: events:emit:e
// payload_hex: 96cb7ff0000000000000d3ffe0000000000001ffc70cff3b8b87c0ffffffffffffffffc403616263c0
$emit('e', [Infinity, -(2 ** 53 - 1), -1n, new Date(-1), Uint8Array.from('abc', (c) => c.charCodeAt(0)), new Date(NaN)]);
