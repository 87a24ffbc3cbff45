// An unknown method of a known extension.
// expect: METHOD_NOT_FOUND
// caps: ext:*
return await $ext.db.drop('everything');
