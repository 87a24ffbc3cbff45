// Lone surrogates in a view component id and command type, caught.
// expect: success
// caps: view:update:*
// value: ["INVALID_ARGUMENT","INVALID_ARGUMENT"]
// result: {"viewCommands":[]}
const out = [];
try { $view.command('\ud800', 't', {}); out.push('sent'); } catch (e) { out.push(e.code); }
try { $view.command('c', 'type\udbff', {}); out.push('sent'); } catch (e) { out.push(e.code); }
return out;
