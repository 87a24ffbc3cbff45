// A payload getter that throws: nothing is emitted, the error propagates.
// expect: EXECUTION_ERROR
// caps: events:emit:*
// message: from the getter
// result: {"events":[]}
$emit('outer', { ok: 1, get bad() { throw new Error('from the getter'); } });
