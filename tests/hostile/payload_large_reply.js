// A 900 KB state value written and read back: the reply is larger than the
// 64 KiB reply buffer and takes the parked-reply path.
// expect: success
// caps: state:read:* state:write:*
// value: [900000,"y","z"]
$state.big = 'y'.repeat(899999) + 'z';
const v = $state.big;
return [v.length, v[0], v[899999]];
