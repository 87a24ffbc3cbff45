// A deferred call, resumed with a value, after which the handler throws:
// the final result is the error, with only that segment's logs.
// expect: EXECUTION_ERROR
// caps: ext:* state:write:*
// resume: {"answer":42}
// message: after resume 42
const v = await $ext.db.get('k');
$state.after = v;
throw new Error('after resume ' + v.answer);
