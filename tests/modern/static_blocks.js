// class static blocks (ES2022)
const log = [];
class A {
  static x = (log.push('field x'), 1);
  static {
    log.push('block 1: this is A ' + (this === A) + ', x ' + this.x + ', A.x ' + A.x);
    var v = 'block var';
    this.v = v;
  }
  static y = (log.push('field y'), 2);
  static { log.push('block 2: v ' + typeof v + ', y ' + this.y); }
}
assert.compareArray(log, ['field x', 'block 1: this is A true, x 1, A.x 1', 'field y', 'block 2: v undefined, y 2']);
assert.sameValue(A.v, 'block var');
assert.sameValue(typeof v, 'undefined', 'var stays in its block');
// super property access, private names, new.target, arrow functions
class Base { static who() { return 'base'; } }
class Derived extends Base {
  static #secret = 7;
  static #m() { return 'm'; }
  static {
    this.fromSuper = super.who();
    this.secret = Derived.#secret + (this.#m() === 'm' ? 1 : 0);
    this.target = new.target;
    this.arrowThis = (() => this)();
  }
}
assert.sameValue(Derived.fromSuper, 'base');
assert.sameValue(Derived.secret, 8);
assert.sameValue(Derived.target, undefined);
assert.sameValue(Derived.arrowThis, Derived);
// lexical declarations and functions are the block's own
class L {
  static {
    let a = 1;
    const b = 2;
    function f() { return a + b; }
    class Inner {}
    this.r = f() + ':' + typeof Inner;
  }
}
assert.sameValue(L.r, '3:function');
// blocks run in order with field initializers, once, at definition
let runs = 0;
const Anon = class { static { runs++; this.tag = 'anon'; } };
new Anon(); new Anon();
assert.sameValue(runs, 1);
assert.sameValue(Anon.tag, 'anon');
assert.sameValue(Anon.name, 'Anon');
// an exception from a block aborts the class definition
assert.throws(RangeError, () => { class Bad { static { throw new RangeError('no'); } } });
// the inner class binding is usable from static fields and blocks (and cannot be reassigned)
class Self { static me = Self; static { this.same = Self === this; } }
assert.sameValue(Self.me, Self);
assert.sameValue(Self.same, true);
assert.throws(TypeError, () => { class K { static { K = 1; } } }, 'the inner binding is constant');
// 'await' is an identifier outside, but not inside a block; an empty block is fine
class Empty { static {} static {} }
// 'static' still names members
class Names { static; static = 1; static() { return 'm'; } }
assert.sameValue(new Names().static, 1);
assert.sameValue(typeof Names.prototype.static, 'function');
class Closing { static }
assert.sameValue(Object.hasOwn(new Closing(), 'static'), true);
// early errors (checked where eval exists)
syntaxError('class X { static { return; } }');
syntaxError('class X { static { return 1; } }');
syntaxError('class X { static { arguments; } }');
syntaxError('class X { static { () => arguments; } }');
syntaxError('class X { static { await; } }');
syntaxError('class X { static { await 0; } }');
syntaxError('class X { static { var await; } }');
syntaxError('class X { static { let await; } }');
syntaxError('class X { static { (await) => 0; } }');
syntaxError('class X { static { function await() {} } }');
syntaxError('class X { static { await: ; } }');
syntaxError('class X { static { super(); } }');
syntaxError('class X extends Object { static { super(); } }');
syntaxError('class X { static { let a; let a; } }');
syntaxError('class X { static { var a; let a; } }');
syntaxError('async function f() { class X { static { await 1; } } }');
syntaxError('function* g() { class X { static { yield 1; } } }');
syntaxError('class X { static { break; } }');
compiles('class X { static { (function await(await) {}); } }');
compiles('class X { static { () => { var await; }; } }');
compiles('class X { static { function f() { return arguments; } } }');
compiles('class X { static { x: { break x; } } }');
compiles('var await; class X { static { } }');
return 'ok';
