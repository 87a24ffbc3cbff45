// An unknown extension.
// expect: EXTENSION_NOT_FOUND
// caps: ext:*
// message: no extension named "nope"
return await $ext.nope.get(1);
