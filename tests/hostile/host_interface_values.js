// Values through a custom host interface and back; an unknown interface.
// expect: success
// caps: host:acme:test/echo
// value: [{"a":[1,"\ufffd",null]},"EXTENSION_NOT_FOUND"]
const r = $host['acme:test/echo'].echo({ a: [1, '\ud800', undefined] });
let missing;
try { $host['acme:test/none'].x(); missing = 'called'; } catch (e) { missing = e.code; }
return [r, missing];
