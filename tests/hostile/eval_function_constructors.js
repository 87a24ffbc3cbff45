// Every Function constructor: the global, and the ones reached through the
// constructor chains of plain, arrow, async, generator, async generator,
// class and bound functions, of methods and of built-ins, through
// Reflect.construct, new, Reflect.apply and a Proxy. Value: the routes that
// did NOT throw "eval is not supported".
// expect: success
// value: []
const ctorOf = (f) => Object.getPrototypeOf(f).constructor;
const routes = {
  Function: () => Function('return 1')(),
  newFunction: () => new Function('return 1')(),
  plain: () => (function () {}).constructor('return 1')(),
  arrow: () => (() => {}).constructor('return 1')(),
  async: () => (async function () {}).constructor('return 1'),
  asyncArrow: () => (async () => {}).constructor('return 1'),
  generator: () => (function* () {}).constructor('yield 1')().next(),
  asyncGenerator: () => (async function* () {}).constructor('yield 1'),
  protoAsync: () => ctorOf(async function () {})('return 1'),
  protoGenerator: () => new (ctorOf(function* () {}))('yield 1'),
  protoAsyncGenerator: () => new (ctorOf(async function* () {}))('yield 1'),
  klass: () => (class {}).constructor('return 1')(),
  bound: () => (function () {}).bind(null).constructor('return 1')(),
  method: () => ({ m() {} }).m.constructor('return 1')(),
  builtin: () => [].map.constructor('return 1')(),
  json: () => JSON.parse.constructor('return 1')(),
  symbol: () => Symbol.constructor.constructor('return 1')(),
  globalCtor: () => globalThis.constructor.constructor('return 1')(),
  reflectConstruct: () => Reflect.construct(Function, ['return 1'])(),
  reflectConstructAsync: () => Reflect.construct(ctorOf(async () => {}), ['return 1']),
  reflectApply: () => Reflect.apply(Function.prototype.constructor, null, ['return 1'])(),
  proxy: () => new Proxy(Function, {})('return 1')(),
  proxyConstruct: () => new (new Proxy(Function, {}))('return 1')(),
  getter: () => Object.getOwnPropertyDescriptor(Function.prototype, 'constructor').get.call(null)('return 1')(),
  generatorProto: () => Object.getPrototypeOf(function* () {}).constructor('yield 1'),
  asyncIteratorProto: () => Object.getPrototypeOf((async function* () {})()).constructor.constructor('return 1'),
  superclass: () => { class F extends Function {} return new F('return 1')(); },
  toStringTag: () => Object.getPrototypeOf(async function () {})[Symbol.toStringTag].constructor.constructor('return 1')(),
};
const escaped = [];
for (const [name, f] of Object.entries(routes)) {
  try { f(); escaped.push(name); } catch (e) {
    if (e.message !== 'eval is not supported') escaped.push(name + ': ' + e.name + ': ' + e.message);
  }
}
return escaped;
