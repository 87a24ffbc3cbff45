// #x in obj (ES2022): ergonomic brand checks for private fields,
// methods, accessors, static and instance
class P {
  #field = 1;
  #method() {}
  get #getter() { return 1; }
  set #setter(v) {}
  get #both() { return 1; }
  set #both(v) {}
  static #staticField = 1;
  static #staticMethod() {}
  static check(o) {
    return [#field in o, #method in o, #getter in o, #setter in o, #both in o, #staticField in o, #staticMethod in o];
  }
}
assert.compareArray(P.check(new P()), [true, true, true, true, true, false, false]);
assert.compareArray(P.check({}), [false, false, false, false, false, false, false]);
assert.compareArray(P.check(P), [false, false, false, false, false, true, true]);
assert.compareArray(P.check(function () {}), [false, false, false, false, false, false, false]);
// the right-hand side must be an object
for (const v of [undefined, null, 1, 'str', true, Symbol(), 1n])
  assert.throws(TypeError, () => P.check(v), 'RHS ' + String(v));
// a proxy has its own (no) private names: traps are never asked
const trapped = [];
const proxy = new Proxy(new P(), { has() { trapped.push('has'); return true; }, get() { trapped.push('get'); } });
assert.compareArray(P.check(proxy), [false, false, false, false, false, false, false]);
assert.compareArray(trapped, []);
// fields added through a constructor override ("return override") count
class Base { constructor(o) { return o; } }
class Stamp extends Base { #stamp; static has(o) { return #stamp in o; } }
const plain = {};
new Stamp(plain);
assert.sameValue(Stamp.has(plain), true);
assert.sameValue(Stamp.has({}), false);
// private names of different classes (or evaluations) differ
const make = () => class { #x; static has(o) { return #x in o; } };
const C1 = make(), C2 = make();
assert.sameValue(C1.has(new C1()), true);
assert.sameValue(C1.has(new C2()), false);
// precedence: a RelationalExpression, the RHS a ShiftExpression
class Q {
  #x;
  static t(o) { return #x in o === true; }
  static u(o) { return #x in o ? 'y' : 'n'; }
  static w(o) { return #x in o && #x in o; }
  static chain(o) { return #x in o in { true: 1 }; }
}
assert.sameValue(Q.t(new Q()), true);
assert.sameValue(Q.u({}), 'n');
assert.sameValue(Q.w(new Q()), true);
assert.sameValue(Q.chain(new Q()), true);
// inside nested functions and arrows of the class body
class N { #x; static arrow = (o) => #x in o; static nested(o) { return (function () { return #x in o; })(); } }
assert.sameValue(N.arrow(new N()), true);
assert.sameValue(N.nested(new N()), true);
// early errors
syntaxError('class X { #a; m(o) { return #b in o; } }');
syntaxError('class X { #a; m(o) { return #a; } }');
syntaxError('class X { #a; m(o) { return 1 + #a in o; } }');
syntaxError('class X { #a; m(o) { return (#a) in o; } }');
syntaxError('class X { #a; m(o) { for (#a in o;;) {} } }');
syntaxError('class X { #a; m(o) { return #a in #a in o; } }');
syntaxError('#x in {}');
compiles('class X { #a; m(o) { return (#a in o) in o; } }');
compiles('class X { #a; m(o) { for (;#a in o;) break; } }');
return 'ok';
