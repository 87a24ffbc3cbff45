// eval in every spelling: direct, indirect, through call/apply/Reflect, by
// computed name. Value: the routes that did NOT throw "eval is not
// supported", then what `eval('1+1')` gives once the handler has replaced the
// global binding with its own function (that function is simply called: no
// text is evaluated).
// expect: success
// value: [[],"text:1+1"]
const routes = {
  direct: () => eval('1'),
  indirect: () => (0, eval)('1'),
  global: () => globalThis.eval('1'),
  call: () => eval.call(null, '1'),
  apply: () => eval.apply(null, ['1']),
  reflect: () => Reflect.apply(eval, null, ['1']),
  stored: () => { const e = eval; return e('1'); },
  bracket: () => globalThis['ev' + 'al']('1'),
  withScope: () => { const o = { eval }; return o.eval('1'); },
};
const escaped = [];
for (const [name, f] of Object.entries(routes)) {
  try { f(); escaped.push(name); } catch (e) {
    if (e.message !== 'eval is not supported') escaped.push(name + ': ' + e.message);
  }
}
globalThis.eval = (s) => 'text:' + s;
return [escaped, eval('1+1')];
