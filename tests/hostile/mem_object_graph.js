// A linked graph of objects, each pointing at the previous ones.
// expect: MEMORY_LIMIT within=5000 memory=16
let head = null;
for (let i = 0; ; i++) head = { i, next: head, also: head && head.next, tag: 'n' + i };
