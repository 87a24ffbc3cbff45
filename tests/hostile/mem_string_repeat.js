// One String.prototype.repeat call for 512 Mi characters.
// expect: MEMORY_LIMIT within=2000 memory=16
return 'x'.repeat(2 ** 29).length;
