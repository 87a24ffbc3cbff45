// URL (WHATWG URL Standard)
assert.throws(TypeError, () => URL('http://a/'), 'needs new');
assert.throws(TypeError, () => new URL(), 'an argument is required');
assert.sameValue(URL.length, 1);
verifyFunction(URL, 'canParse', 'canParse', 1, { enumerable: true });
verifyFunction(URL, 'parse', 'parse', 1, { enumerable: true });
verifyFunction(URL.prototype, 'toString', 'toString', 0, { enumerable: true });
verifyFunction(URL.prototype, 'toJSON', 'toJSON', 0, { enumerable: true });
for (const k of ['href', 'protocol', 'username', 'password', 'host', 'hostname', 'port', 'pathname', 'search', 'hash'])
  verifyAccessor(URL.prototype, k, { set: true });
verifyAccessor(URL.prototype, 'origin');
verifyAccessor(URL.prototype, 'searchParams');
assert.sameValue(Object.prototype.toString.call(new URL('http://a/')), '[object URL]');
const parts = (s, base) => {
  const u = new URL(s, base);
  return [u.href, u.origin, u.protocol, u.username, u.password, u.host, u.hostname, u.port, u.pathname, u.search, u.hash];
};
// [input, base, href, origin, protocol, username, password, host, hostname, port, pathname, search, hash]
const table = [
  ['https://user:pa ss@EXAMPLE.com:443/a/./b/../c?x=1 2#f g', undefined,
    'https://user:pa%20ss@example.com/a/c?x=1%202#f%20g', 'https://example.com', 'https:', 'user', 'pa%20ss', 'example.com', 'example.com', '', '/a/c', '?x=1%202', '#f%20g'],
  ['HTTP://Example.COM:8080', undefined, 'http://example.com:8080/', 'http://example.com:8080', 'http:', '', '', 'example.com:8080', 'example.com', '8080', '/', '', ''],
  ['/p/q?r#s', 'https://h.example/a/b', 'https://h.example/p/q?r#s', 'https://h.example', 'https:', '', '', 'h.example', 'h.example', '', '/p/q', '?r', '#s'],
  ['../up', 'http://h/a/b/c', 'http://h/a/up', 'http://h', 'http:', '', '', 'h', 'h', '', '/a/up', '', ''],
  ['?only', 'http://h/a?old#frag', 'http://h/a?only', 'http://h', 'http:', '', '', 'h', 'h', '', '/a', '?only', ''],
  ['#only', 'http://h/a?q', 'http://h/a?q#only', 'http://h', 'http:', '', '', 'h', 'h', '', '/a', '?q', '#only'],
  ['//other:81/x', 'wss://h/', 'wss://other:81/x', 'wss://other:81', 'wss:', '', '', 'other:81', 'other', '81', '/x', '', ''],
  ['http:\\\\h\\a\\b', undefined, 'http://h/a/b', 'http://h', 'http:', '', '', 'h', 'h', '', '/a/b', '', ''],
  ['  \t http://h/a\nb \n', undefined, 'http://h/ab', 'http://h', 'http:', '', '', 'h', 'h', '', '/ab', '', ''],
  ['http://[::1]:80/', undefined, 'http://[::1]/', 'http://[::1]', 'http:', '', '', '[::1]', '[::1]', '', '/', '', ''],
  ['http://[0:0:0:0:0:ffff:192.168.0.1]/', undefined, 'http://[::ffff:c0a8:1]/', 'http://[::ffff:c0a8:1]', 'http:', '', '', '[::ffff:c0a8:1]', '[::ffff:c0a8:1]', '', '/', '', ''],
  ['http://[2001:DB8:0:0:1:0:0:1]/', undefined, 'http://[2001:db8::1:0:0:1]/', 'http://[2001:db8::1:0:0:1]', 'http:', '', '', '[2001:db8::1:0:0:1]', '[2001:db8::1:0:0:1]', '', '/', '', ''],
  ['http://0x7f.1/', undefined, 'http://127.0.0.1/', 'http://127.0.0.1', 'http:', '', '', '127.0.0.1', '127.0.0.1', '', '/', '', ''],
  ['http://3232235521/', undefined, 'http://192.168.0.1/', 'http://192.168.0.1', 'http:', '', '', '192.168.0.1', '192.168.0.1', '', '/', '', ''],
  ['http://0300.0250.0.01./', undefined, 'http://192.168.0.1/', 'http://192.168.0.1', 'http:', '', '', '192.168.0.1', '192.168.0.1', '', '/', '', ''],
  ['http://ex%41mple.com/', undefined, 'http://example.com/', 'http://example.com', 'http:', '', '', 'example.com', 'example.com', '', '/', '', ''],
  ['http://bücher.de/', undefined, 'http://xn--bcher-kva.de/', 'http://xn--bcher-kva.de', 'http:', '', '', 'xn--bcher-kva.de', 'xn--bcher-kva.de', '', '/', '', ''],
  ['http://ＥＸＡＭＰＬＥ。com/', undefined, 'http://example.com/', 'http://example.com', 'http:', '', '', 'example.com', 'example.com', '', '/', '', ''],
  ['file:///C:/x/../../y', undefined, 'file:///C:/y', 'null', 'file:', '', '', '', '', '', '/C:/y', '', ''],
  ['file://localhost/etc/hosts', undefined, 'file:///etc/hosts', 'null', 'file:', '', '', '', '', '', '/etc/hosts', '', ''],
  ['file:c|/d', undefined, 'file:///c:/d', 'null', 'file:', '', '', '', '', '', '/c:/d', '', ''],
  ['x', 'file:///C:/a/b', 'file:///C:/a/x', 'null', 'file:', '', '', '', '', '', '/C:/a/x', '', ''],
  ['data:text/plain,hi there', undefined, 'data:text/plain,hi there', 'null', 'data:', '', '', '', '', '', 'text/plain,hi there', '', ''],
  ['mailto:Joe@Example.COM', undefined, 'mailto:Joe@Example.COM', 'null', 'mailto:', '', '', '', '', '', 'Joe@Example.COM', '', ''],
  ['foo://h%41st:1/p th?q\'#f', undefined, 'foo://h%41st:1/p%20th?q\'#f', 'null', 'foo:', '', '', 'h%41st:1', 'h%41st', '1', '/p%20th', '?q\'', '#f'],
  ['http://h/?q\'', undefined, 'http://h/?q%27', 'http://h', 'http:', '', '', 'h', 'h', '', '/', '?q%27', ''],
  ['sc:/a/..//b', undefined, 'sc:/.//b', 'null', 'sc:', '', '', '', '', '', '//b', '', ''],
  ['blob:https://a.b:8/uuid', undefined, 'blob:https://a.b:8/uuid', 'https://a.b:8', 'blob:', '', '', '', '', '', 'https://a.b:8/uuid', '', ''],
  ['ws://x:80/', undefined, 'ws://x/', 'ws://x', 'ws:', '', '', 'x', 'x', '', '/', '', ''],
  ['http://a/%2e%2E/b/%2e/c', undefined, 'http://a/b/c', 'http://a', 'http:', '', '', 'a', 'a', '', '/b/c', '', ''],
  ['http://a/b/..', undefined, 'http://a/', 'http://a', 'http:', '', '', 'a', 'a', '', '/', '', ''],
  ['http://a/😀?😀#😀', undefined, 'http://a/%F0%9F%98%80?%F0%9F%98%80#%F0%9F%98%80', 'http://a', 'http:', '', '', 'a', 'a', '', '/%F0%9F%98%80', '?%F0%9F%98%80', '#%F0%9F%98%80'],
  ['http://a/\uD800', undefined, 'http://a/%EF%BF%BD', 'http://a', 'http:', '', '', 'a', 'a', '', '/%EF%BF%BD', '', ''],
  ['http://@h/', undefined, 'http://h/', 'http://h', 'http:', '', '', 'h', 'h', '', '/', '', ''],
  ['http://a:b@c:d@h/', undefined, 'http://a:b%40c%3Ad@h/', 'http://h', 'http:', 'a', 'b%40c%3Ad', 'h', 'h', '', '/', '', ''],
  ['http://h:0/', undefined, 'http://h:0/', 'http://h:0', 'http:', '', '', 'h:0', 'h', '0', '/', '', ''],
  ['http://h:00080/', undefined, 'http://h/', 'http://h', 'http:', '', '', 'h', 'h', '', '/', '', ''],
  ['non-spec:/.//p', undefined, 'non-spec:/.//p', 'null', 'non-spec:', '', '', '', '', '', '//p', '', ''],
];
for (const [input, base, ...expected] of table) assert.compareArray(parts(input, base), expected, input);
for (const [input, base] of [['not a url'], ['http://a b/'], ['http://exa mple.com'], ['http:///'], ['http://h:65536/'], ['http://h:x/'],
  ['http://[::1/'], ['http://[1:2:3:4:5:6:7:8:9]/'], ['http://[::1::]/'], ['http://1.2.3.4.5/'], ['http://256.0.0.1/'], ['http://0x100000000/'],
  ['http://a%00b/'], ['http://a<b/'], ['http://xn--a.\u00df/'], ['http://xn--te\u0161la/'], ['http://a:b@/'], ['https://'], ['rel', undefined], ['x', 'data:opaque'],
  ['http://\u200d.example/'], ['http://\u064aa/'], ['http://www\u2025lookout.net/'], ['http://\u0301x.com/'], ['http://\u3000x.com/'],
  ['a', 'not a base'], ['http://\uFFFD/'], ['foo://h^/']])
  assert.throws(TypeError, () => new URL(input, base), JSON.stringify(input));
assert.sameValue(new URL('#frag', 'data:opaque').href, 'data:opaque#frag', 'a fragment on an opaque base');
// domains: ASCII ones are only lowercased (Punycode labels kept as they are)
assert.sameValue(new URL('http://XN--A.xn--/').host, 'xn--a.xn--');
assert.sameValue(new URL('http://fa\u00df.de/').host, 'xn--fa-hia.de', 'nontransitional: \u00df kept');
assert.sameValue(new URL('http://look\u206bout.net/').host, 'lookout.net', 'ignored code points');
assert.sameValue(new URL('http://\u0dc1\u0dca\u200d\u0dbb\u0dd3/').host, 'xn--10cl1a0b660p', 'a joiner after a virama');
assert.sameValue(new URL('http://xn--zca.\u00df/').host, 'xn--zca.xn--zca');
// canParse, parse
assert.sameValue(URL.canParse('x:'), true);
assert.sameValue(URL.canParse('/a', 'http://h'), true);
assert.sameValue(URL.canParse('/a'), false);
assert.sameValue(URL.canParse('a', 'b'), false);
assert.sameValue(URL.parse('nope'), null);
const parsed = URL.parse('/a', 'http://h');
assert.sameValue(parsed instanceof URL, true);
assert.sameValue(parsed.href, 'http://h/a');
assert.sameValue(URL.canParse('http://h', undefined), true, 'an undefined base is no base');
// stringifiers
const u = new URL('https://h/p?q#f');
assert.sameValue(String(u), 'https://h/p?q#f');
assert.sameValue(JSON.stringify({ u }), '{"u":"https://h/p?q#f"}');
// setters: invalid values are ignored (href throws)
const s = new URL('https://user:pw@example.com:8443/path/to?x=1#top');
s.protocol = 'http';
assert.sameValue(s.href, 'http://user:pw@example.com:8443/path/to?x=1#top');
s.protocol = 'mailto';
assert.sameValue(s.protocol, 'http:', 'special to non-special is refused');
s.protocol = 'https:extra';
assert.sameValue(s.protocol, 'https:', 'stops at the colon');
s.port = '443';
assert.sameValue(s.port, '', 'the default port reads as empty');
s.port = '8080abc';
assert.sameValue(s.port, '8080', 'stops at a non-digit');
s.port = '99999';
assert.sameValue(s.port, '8080', 'out of range ignored');
s.port = '';
assert.sameValue(s.host, 'example.com');
s.hostname = 'other.org:99';
assert.sameValue(s.hostname, 'example.com', 'a hostname with a port is refused');
s.host = 'other.org:99';
assert.sameValue(s.host, 'other.org:99');
s.host = 'a b';
assert.sameValue(s.host, 'other.org:99', 'invalid host ignored');
s.host = 'third.org:x';
assert.sameValue(s.host, 'third.org:99', 'the host is set before the port fails');
s.username = 'me@x';
s.password = 'p:w';
assert.sameValue(s.href, 'https://me%40x:p%3Aw@third.org:99/path/to?x=1#top');
s.pathname = 'new dir/../file';
assert.sameValue(s.pathname, '/file');
s.search = 'a=1&b=2';
assert.sameValue(s.search, '?a=1&b=2');
assert.sameValue(s.searchParams.get('b'), '2', 'searchParams follows search');
s.search = '';
assert.sameValue(s.href, 'https://me%40x:p%3Aw@third.org:99/file#top');
assert.sameValue(s.searchParams.size, 0);
s.hash = '#x y';
assert.sameValue(s.hash, '#x%20y');
s.hash = '';
assert.sameValue(s.href.endsWith('/file'), true);
s.href = 'http://fresh/?k=v';
assert.sameValue(s.searchParams.get('k'), 'v', 'href resets searchParams');
assert.throws(TypeError, () => { s.href = 'no scheme'; });
assert.sameValue(s.href, 'http://fresh/?k=v', 'unchanged after a failed href');
const f = new URL('file:///tmp/x');
f.username = 'u';
f.port = '1';
assert.sameValue(f.href, 'file:///tmp/x', 'file URLs take no credentials or port');
f.host = 'server';
assert.sameValue(f.href, 'file://server/tmp/x');
const mail = new URL('mailto:x@y');
mail.pathname = 'changed';
mail.host = 'h';
assert.sameValue(mail.href, 'mailto:x@y', 'an opaque path takes no path or host');
const opaque = new URL('data:a  b ?q#h');
assert.sameValue(opaque.pathname, 'a  b%20', 'a space before ? or # is encoded');
opaque.hash = '';
opaque.search = '';
assert.sameValue(opaque.href, 'data:a  b%20');
// searchParams is one object, and updates the URL
const sp = new URL('http://h/?a=1');
assert.sameValue(sp.searchParams, sp.searchParams);
sp.searchParams.append('b', 'x y');
assert.sameValue(sp.href, 'http://h/?a=1&b=x+y');
sp.searchParams.delete('a');
sp.searchParams.delete('b');
assert.sameValue(sp.href, 'http://h/', 'an empty list removes the query');
// brand checks
assert.throws(TypeError, () => Object.getOwnPropertyDescriptor(URL.prototype, 'href').get.call({}));
assert.throws(TypeError, () => URL.prototype.toString.call({}));
// subclassing
class MyURL extends URL { get tag() { return 'mine'; } }
assert.sameValue(new MyURL('http://h/').tag, 'mine');
assert.sameValue(new MyURL('http://h/').host, 'h');
return 'ok';
