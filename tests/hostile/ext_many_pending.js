// 200 deferred calls at once (Promise.all): one suspension carrying them all,
// answered one by one until the handler settles.
// expect: success within=10000
// caps: ext:db
// resume: 1
// value: 200
const all = await Promise.all(Array.from({ length: 200 }, (_, i) => $ext.db.get(i)));
return all.reduce((a, b) => a + b, 0);
