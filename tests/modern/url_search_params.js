// URLSearchParams (WHATWG URL Standard)
assert.throws(TypeError, () => URLSearchParams(), 'needs new');
const P = URLSearchParams.prototype;
for (const [k, len] of [['append', 2], ['delete', 1], ['get', 1], ['getAll', 1], ['has', 1], ['set', 2], ['sort', 0],
  ['entries', 0], ['forEach', 1], ['keys', 0], ['values', 0], ['toString', 0]])
  verifyFunction(P, k, k, len, { enumerable: true });
verifyAccessor(P, 'size');
assert.sameValue(P[Symbol.iterator], P.entries, '@@iterator is entries');
const d = Object.getOwnPropertyDescriptor(P, Symbol.iterator);
assert.sameValue(d.enumerable, false);
// constructors: string, sequence, record
const str = (init) => new URLSearchParams(init).toString();
assert.sameValue(str(), '');
assert.sameValue(str(''), '');
assert.sameValue(str('?a=1&b=2'), 'a=1&b=2', 'a leading ? dropped');
assert.sameValue(str('??a=1'), '%3Fa=1', 'only one');
assert.sameValue(str('a=1&&b&=c&d='), 'a=1&b=&=c&d=');
assert.sameValue(str('a+b=c+d%20e'), 'a+b=c+d+e');
assert.sameValue(str('x=%zz%4'), 'x=%25zz%254', 'a bad escape stays as it is');
assert.sameValue(new URLSearchParams('x=%FF%C3%A9').get('x'), '\uFFFDé', 'invalid UTF-8 replaced');
assert.sameValue(new URLSearchParams('a=b=c').get('a'), 'b=c');
assert.sameValue(str([['a', '1'], ['b', 2]]), 'a=1&b=2');
assert.sameValue(str(new Map([['m', 'v']])), 'm=v', 'any iterable of pairs');
assert.throws(TypeError, () => new URLSearchParams([['a']]));
assert.throws(TypeError, () => new URLSearchParams([['a', 'b', 'c']]));
assert.throws(TypeError, () => new URLSearchParams([1]));
assert.sameValue(str({ a: '1', b: 'x y', 'é': '€' }), 'a=1&b=x+y&%C3%A9=%E2%82%AC');
assert.sameValue(str(Object.create({ inherited: 1 })), '', 'own keys only');
assert.sameValue(str(Object.defineProperty({}, 'h', { value: 1, enumerable: false })), '');
assert.throws(TypeError, () => new URLSearchParams({ [Symbol()]: 1 }), 'a symbol key cannot be a USVString');
assert.sameValue(str(new URLSearchParams('a=1')), 'a=1', 'another URLSearchParams is a sequence');
assert.sameValue(str(12), '12=');
assert.sameValue(new URLSearchParams('a=\uD800').get('a'), '\uFFFD');
// methods
const p = new URLSearchParams('b=2&a=1&b=1');
assert.sameValue(p.size, 3);
assert.sameValue(p.get('b'), '2', 'the first');
assert.sameValue(p.get('zz'), null);
assert.compareArray(p.getAll('b'), ['2', '1']);
assert.compareArray(p.getAll('zz'), []);
assert.sameValue(p.has('a'), true);
assert.sameValue(p.has('a', '1'), true);
assert.sameValue(p.has('a', '2'), false);
assert.sameValue(p.has('a', undefined), true, 'an undefined value is no value');
p.append('c', 'x');
assert.sameValue(p.toString(), 'b=2&a=1&b=1&c=x');
p.set('b', 'new');
assert.sameValue(p.toString(), 'b=new&a=1&c=x', 'set keeps the first place, drops the others');
p.set('d', '4');
assert.sameValue(p.toString(), 'b=new&a=1&c=x&d=4');
p.delete('a', 'nope');
assert.sameValue(p.has('a'), true, 'delete with a value that does not match');
p.delete('a');
assert.sameValue(p.toString(), 'b=new&c=x&d=4');
assert.throws(TypeError, () => p.append('x'), 'two arguments');
assert.throws(TypeError, () => p.get(), 'one argument');
// sort: stable, by UTF-16 code units
const s = new URLSearchParams('z=1&a=2&\uFFFD=3&a=1&\u{1F600}=4&b=5');
s.sort();
assert.compareArray([...s.keys()], ['a', 'a', 'b', 'z', '\u{1F600}', '\uFFFD']);
assert.compareArray([...s.values()], ['2', '1', '5', '1', '4', '3']);
// serialization: the application/x-www-form-urlencoded set, space as +
assert.sameValue(str({ k: " !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~" }), 'k=+%21%22%23%24%25%26%27%28%29*%2B%2C-.%2F%3A%3B%3C%3D%3E%3F%40%5B%5C%5D%5E_%60%7B%7C%7D%7E');
// iteration is live
const live = new URLSearchParams('a=1&b=2&c=3');
const seen = [];
for (const [k] of live) { seen.push(k); if (k === 'a') live.delete('b'); }
assert.compareArray(seen, ['a', 'c']);
const it = new URLSearchParams('x=1').entries();
assert.sameValue(Object.prototype.toString.call(it), '[object URLSearchParams Iterator]');
assert.sameValue(Object.getPrototypeOf(Object.getPrototypeOf(it)), Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())), '%IteratorPrototype%');
assert.json(it.next(), { value: ['x', '1'], done: false });
assert.json(it.next(), { done: true });
assert.throws(TypeError, () => it.next.call({}));
// forEach: (value, key, params), thisArg, live
const fe = [];
const target = new URLSearchParams('a=1&b=2');
const thisArg = {};
target.forEach(function (v, k, o) { fe.push([v, k, o === target, this === thisArg]); }, thisArg);
assert.json(fe, [['1', 'a', true, true], ['2', 'b', true, true]]);
assert.throws(TypeError, () => target.forEach());
assert.throws(TypeError, () => target.forEach(1));
// brand checks
assert.throws(TypeError, () => P.get.call({}, 'a'));
assert.throws(TypeError, () => Object.getOwnPropertyDescriptor(P, 'size').get.call({}));
return 'ok';
