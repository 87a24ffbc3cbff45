// atob, btoa (HTML): forgiving base64 over binary strings
verifyFunction(globalThis, 'atob', 'atob', 1, { enumerable: true });
verifyFunction(globalThis, 'btoa', 'btoa', 1, { enumerable: true });
assert.throws(TypeError, () => atob(), 'an argument is required');
assert.throws(TypeError, () => btoa());
assert.sameValue(btoa(''), '');
assert.sameValue(btoa('f'), 'Zg==');
assert.sameValue(btoa('fo'), 'Zm8=');
assert.sameValue(btoa('foo'), 'Zm9v');
assert.sameValue(btoa('foobar'), 'Zm9vYmFy');
assert.sameValue(btoa('\u00ff\u00fe\u0000'), '//4A', 'Latin-1 code units are bytes');
assert.sameValue(btoa(null), 'bnVsbA==', 'ToString');
assert.sameValue(btoa(undefined), 'dW5kZWZpbmVk');
assert.sameValue(btoa(12), 'MTI=');
assert.throwsDOM('InvalidCharacterError', () => btoa('€'));
assert.throwsDOM('InvalidCharacterError', () => btoa('\u0100'));
assert.throwsDOM('InvalidCharacterError', () => btoa('😀'));
assert.throwsDOM('InvalidCharacterError', () => btoa('\uD800'));
assert.sameValue(assert.throws(DOMException, () => btoa('€')).code, 5, 'INVALID_CHARACTER_ERR');
assert.throws(TypeError, () => btoa(Symbol()));
assert.sameValue(atob(''), '');
assert.sameValue(atob('Zg=='), 'f');
assert.sameValue(atob('Zg'), 'f', 'padding optional');
assert.sameValue(atob('Zm8'), 'fo');
assert.sameValue(atob('Zm9vYmFy'), 'foobar');
assert.sameValue(atob(' Zm9v\tYm\nFy\f\r '), 'foobar', 'ASCII whitespace ignored');
assert.sameValue(atob('//4A'), '\u00ff\u00fe\u0000');
assert.sameValue(atob('Zh=='), 'f', 'stray bits are dropped');
assert.throwsDOM('InvalidCharacterError', () => atob(undefined), '"undefined" has 9 characters');
assert.sameValue(atob(null), atob('null'), 'ToString(null)');
for (const bad of ['Z', 'Zg=', 'Zg===', '=Zg=', 'Z=g=', 'Zg==Zg==', 'Zm9v!', 'Zm9v\u00a0', 'Zm9v€', 'Zm9vY', '====', 'Zg==='])
  assert.throwsDOM('InvalidCharacterError', () => atob(bad), JSON.stringify(bad));
for (let i = 0; i < 256; i += 7) {
  const s = String.fromCharCode(i, 255 - i, (i * 3) & 255);
  assert.sameValue(atob(btoa(s)), s);
}
return 'ok';
