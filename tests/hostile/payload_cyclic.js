// Cyclic values everywhere they can go: each attempt throws
// SERIALIZATION_ERROR inside the handler (collected here), and the last one,
// the return value, ends the execution with it.
// expect: SERIALIZATION_ERROR
// caps: state:write:* events:emit:* view:update:* ext:*
// message: cyclic
const o = { name: 'o' };
o.self = o;
const a = [1];
a.push([a]);
const codes = [];
for (const f of [() => $emit('e', o), () => { $state.s = a; }, () => $view.command('c', 't', { o }),
                 () => $ext.echo.args(a), () => $log.info(o)]) {
  try { await f(); codes.push('crossed'); } catch (e) { codes.push(e.code); }
}
if (codes.join() !== 'SERIALIZATION_ERROR,SERIALIZATION_ERROR,SERIALIZATION_ERROR,SERIALIZATION_ERROR,crossed')
  return codes;
return { wrapper: [o] };
