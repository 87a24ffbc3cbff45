// A typed array whose own properties lie about its buffer, offset and
// byte length. The encoder bounds-checks what they claim against the buffer
// they name, so an out-of-range claim is refused and an in-range one reads
// only that buffer. Value: codes for the lies, then the swapped buffer's
// bytes (base64 of 09 09 09 09).
// expect: success
// caps: events:emit:*
// value: [["SERIALIZATION_ERROR","SERIALIZATION_ERROR","SERIALIZATION_ERROR"],"CQkJ"]
const lie = (props) => { const u = new Uint8Array([1, 2, 3]); Object.defineProperties(u, props); return u; };
const codes = [];
for (const props of [{ byteLength: { value: 1e9 } }, { byteOffset: { value: -1 } },
                     { byteOffset: { value: 2 }, byteLength: { value: 2 } }]) {
  try { $emit('e', lie(props)); codes.push('crossed'); } catch (e) { codes.push(e.code); }
}
const swapped = lie({ buffer: { value: new Uint8Array([9, 9, 9, 9]).buffer } });
return [codes, swapped];
