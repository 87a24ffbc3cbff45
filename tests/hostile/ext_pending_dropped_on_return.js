// A deferred call started but never awaited: the handler finishes; the call
// is dropped with the execution (no suspension, nothing left pending).
// expect: success
// caps: ext:db
// value: "done"
$ext.db.get('forgotten');
return 'done';
