// An extension name with a lone surrogate is simply unknown. The prelude
// throws EXTENSION_NOT_FOUND with the name in its message.
// expect: EXTENSION_NOT_FOUND
// caps: ext:*
return await $ext['db\ud800'].get(1);
