// U+0000 is valid UTF-8, but keys and names reach the embedder as C strings
// (include/nexus.h): "count\u0000x" would read as "count". The host refuses
// such a key with INVALID_ARGUMENT, catchable, and nothing is written.
// expect: success
// caps: state:write:* events:emit:*
// result: {"returnValue":["INVALID_ARGUMENT","INVALID_ARGUMENT","INVALID_ARGUMENT"],"stateMutations":[{"key":"count","value":2}],"logs":[{"level":"info","message":"a\ufffdb"}]}
const codes = [];
for (const f of [() => { $state['count\u0000x'] = 1; },
                 () => $emit('saved\u0000x', 1),
                 () => $view.focus('list\u0000x')]) {
  try { f(); } catch (e) { codes.push(e.code); }
}
$state.count = 2;
console.log('a\u0000b');
return codes;
