// The RegExp d flag (ES2022): hasIndices and the indices array
const RP = RegExp.prototype;
const d = Object.getOwnPropertyDescriptor(RP, 'hasIndices');
assert.sameValue(typeof d.get, 'function');
assert.sameValue(d.set, undefined);
assert.sameValue(d.get.name, 'get hasIndices');
assert.sameValue(d.enumerable, false);
assert.sameValue(d.configurable, raw);
assert.sameValue(RP.hasIndices, undefined, 'undefined on the prototype itself');
assert.throws(TypeError, () => d.get.call({}), 'a TypeError for other objects');
assert.throws(TypeError, () => d.get.call(1));
assert.sameValue(/a/d.hasIndices, true);
assert.sameValue(/a/.hasIndices, false);
assert.sameValue(new RegExp('a', 'd').hasIndices, true);
assert.throws(SyntaxError, () => new RegExp('a', 'dd'), 'a repeated flag');
syntaxError('/a/dd');
// flags: d first
assert.sameValue(/a/d.flags, 'd');
assert.sameValue(/a/gimsuyd.flags, 'dgimsuy');
assert.sameValue(new RegExp(/x/dg).flags, 'dg', 'copied by the constructor');
assert.sameValue(String(/x/dg), '/x/dg');
const order = [];
Object.getOwnPropertyDescriptor(RP, 'flags').get.call(new Proxy({}, { get(t, k) { order.push(k); } }));
assert.compareArray(order, ['hasIndices', 'global', 'ignoreCase', 'multiline', 'dotAll', 'unicode', 'unicodeSets', 'sticky']);
// indices: [start, end] per capture, undefined when not matched
const m = /a(?<Z>z)?(b)(c)?/d.exec('xxab');
assert.json(m.indices, [[2, 4], null, [3, 4], null]);
assert.sameValue(m.indices[1], undefined);
assert.sameValue(Object.getPrototypeOf(m.indices.groups), null);
assert.compareArray(Object.keys(m.indices.groups), ['Z']);
assert.sameValue(m.indices.groups.Z, undefined);
assert.sameValue(Array.isArray(m.indices[0]), true);
assert.sameValue(m.indices.length, 4);
// the match array's own keys, in the specification's order
assert.compareArray(Object.keys(m), ['0', '1', '2', '3', 'index', 'input', 'groups', 'indices']);
assert.compareArray(Object.keys(/a/.exec('a')), ['0', 'index', 'input', 'groups'], 'no indices without d');
assert.sameValue(/(a)/d.exec('a').indices.groups, undefined, 'no named groups: undefined');
assert.sameValue(Object.hasOwn(/(a)/d.exec('a').indices, 'groups'), true);
// named groups share their pair
const n = /(?<y>\d{4})-(?<m>\d{2})/d.exec('on 2024-05');
assert.sameValue(n.indices.groups.y, n.indices[1]);
assert.json(n.indices.groups, { y: [3, 7], m: [8, 10] });
// code units: after a surrogate pair, with and without u
assert.json(/b/d.exec('😀b').indices[0], [2, 3]);
assert.json(/(?<e>😀)/du.exec('a😀').indices, [[1, 3], [1, 3]]);
assert.json(/./du.exec('😀').indices[0], [0, 2]);
assert.json(/./d.exec('😀').indices[0], [0, 1], 'without u a dot takes one code unit');
// with global and sticky, through String methods
const g = /o/dg;
assert.json(g.exec('foo').indices[0], [1, 2]);
assert.json(g.exec('foo').indices[0], [2, 3]);
assert.json([...'abab'.matchAll(/b/dg)].map((x) => x.indices[0]), [[1, 2], [3, 4]]);
assert.json('xaz'.match(/a/d).indices[0], [1, 2]);
assert.sameValue('aaa'.replace(/a/dg, 'b'), 'bbb');
assert.compareArray('a,b'.split(/,/d), ['a', 'b']);
assert.sameValue(/z/d.exec('abc'), null);
// empty matches
assert.json(/x*/d.exec('abc').indices[0], [0, 0]);
return 'ok';
