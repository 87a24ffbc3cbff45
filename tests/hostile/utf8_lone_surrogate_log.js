// A lone surrogate in a log message. A log message is a string value like
// any other (docs/values.md: a lone surrogate becomes U+FFFD), not a key or
// a name, so the handler keeps running and the message is logged with
// U+FFFD.
// expect: success
// result: {"logs":[{"level":"info","message":"before \ufffd after"},{"level":"warn","message":"[\"\\ud800\"]"}]}
console.log('before \ud800 after');
console.warn(['\ud800']);
