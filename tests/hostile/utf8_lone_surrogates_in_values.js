// Lone surrogates in values (strings, nested strings, object keys) become
// U+FFFD (EF BF BD) in the return value, a state value, an event payload and
// extension arguments; a proper surrogate pair (also one made by joining
// the two halves in order) is one 4-byte UTF-8 character.
// expect: success
// caps: state:write:* events:emit:* ext:*
// value_hex: 93a3efbfbda7efbfbd41efbfbddf00000001a3efbfbda4f09f9880
// mutation_hex: a3efbfbd
// payload_hex: 91a4efbfbd78
// ext_args_hex: 92a6efbfbdefbfbda4f0908080
const lone = '\ud800', low = String.fromCharCode(0xdc00);
$state.s = lone;
$emit('e', [low + 'x']);
await $ext.echo.args(low + lone, lone + low); // reversed halves stay lone; in order they pair
return ['\udfff', low + 'A' + lone, { [lone]: '\ud83d\ude00' }];
