// A known extension without its token: PERMISSION_DENIED, and the call never
// reaches the embedder (nothing suspends).
// expect: PERMISSION_DENIED
// caps: ext:echo
// message: needs ext:db
return await $ext.db.get('k');
