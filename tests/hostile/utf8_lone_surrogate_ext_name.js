// An extension name with a lone surrogate is simply unknown. The prelude
// throws EXTENSION_NOT_FOUND with the name in its message.
// expect: EXTENSION_NOT_FOUND
// caps: ext:*
// bug: an error whose message holds a lone surrogate is reported as WASM_ERROR ("the sandbox returned no usable outcome") - guest/main.c copies error strings without replacing lone surrogates, so the host refuses the report
return await $ext['db\ud800'].get(1);
