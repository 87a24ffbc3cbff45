// prelude.js - the handler API, built once inside the guest before the
// snapshot: $state, $emit, $view, $log (and console), $time, $ext, $host.
// ($args, $scope and $handler are defined per execution by main.c.)
// It receives the native functions (guest/api.c) as `nx` and keeps them in
// this closure only. Then it freezes every built-in the handler can reach.
// Nothing here is a security boundary: the host re-checks every call.
(function (nx) {
  'use strict';

  const hasOwn = (o, k) => Object.prototype.hasOwnProperty.call(o, k);
  const coded = (code, message) => {
    const e = new Error(message);
    e.code = code;
    return e;
  };
  const defineGlobal = (name, value) =>
    Object.defineProperty(globalThis, name, {
      value, enumerable: false, writable: false, configurable: false,
    });

  // ---- $state -----------------------------------------------------------------
  // An exotic object implemented in C (guest/state_object.c): property access
  // goes straight to the host calls. Its methods are frozen like built-ins.
  const $state = nx.state;
  for (const name of ['get', 'set', 'delete', 'has', 'keys', 'update']) Object.freeze($state[name]);

  // ---- $emit ------------------------------------------------------------------
  const $emit = function emit(name, payload) { nx.emit(name, payload); };
  $emit.toast = function toast(message, type) {
    nx.emit('toast', { message: String(message), type: type === undefined ? 'info' : String(type) });
  };
  Object.freeze($emit);

  // ---- $view ------------------------------------------------------------------
  const $view = Object.freeze({
    setFilter: (componentId, filter) => { nx.view(componentId, 'setFilter', { filter }); },
    scrollTo: (componentId, position) => { nx.view(componentId, 'scrollTo', { position }); },
    focus: (componentId) => { nx.view(componentId, 'focus', {}); },
    // command(componentId, type, args) or command(type, args) for no component
    command(...a) {
      if (a.length >= 3) nx.view(a[0], a[1], a[2]);
      else nx.view(null, a[0], a[1]);
    },
  });

  // ---- $log, console, $time ---------------------------------------------------
  const show = (v) => {
    if (typeof v === 'string') return v;
    if (v instanceof Error) return v.name + ': ' + v.message;
    if (typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint' || v === undefined)
      return String(v);
    try {
      const s = JSON.stringify(v);
      return s === undefined ? String(v) : s;
    } catch (e) {
      return String(v);
    }
  };
  const logAt = (level) => (...args) => { nx.log(level, args.map(show).join(' ')); };
  const $log = Object.freeze({ debug: logAt(0), info: logAt(1), warn: logAt(2), error: logAt(3) });
  const console = Object.freeze({
    log: $log.info, info: $log.info, warn: $log.warn, error: $log.error, debug: $log.debug,
  });
  const $time = Object.freeze({ now: () => nx.now() });

  // ---- $ext ---------------------------------------------------------------------
  // Feature detection never throws: `'http' in $ext`, `typeof $ext.http` and
  // `typeof $ext.http.get` ("undefined" when absent), Object.keys, and the
  // reference's helpers $ext.exists(name), $ext.methods(name) (undefined for
  // an unknown extension) and $ext.list(). An absent extension or method
  // reads as an undetectable stand-in (typeof "undefined", == null) that
  // throws EXTENSION_NOT_FOUND / METHOD_NOT_FOUND when used, so a call still
  // says what is missing. An extension registered as exists, methods or list
  // shadows the helper. The host checks existence and the ext:NAME
  // capability again on every call.
  let listing = null;
  const extensions = () => listing || (listing = nx.extList());
  const known = (name) => typeof name === 'string' && hasOwn(extensions(), name);
  const methodsOf = (name) => (known(name) ? extensions()[name] : undefined);
  const hasMethod = (name, method) => typeof method === 'string' && methodsOf(name).includes(method);
  const missingExtension = (name) => nx.undetectable(new Proxy(Object.create(null), {
    get(target, method) {
      if (typeof method === 'symbol' || method === 'then') return undefined;
      throw coded('EXTENSION_NOT_FOUND', `no extension named "${name}"`);
    },
  }));
  const missingMethod = (name, method) => nx.undetectable(function missing() {
    throw coded('METHOD_NOT_FOUND', `extension "${name}" has no method "${method}"`);
  });
  const extProxies = Object.create(null);
  const extension = (name) => extProxies[name] || (extProxies[name] = new Proxy(Object.create(null), {
    get(target, method) {
      if (typeof method === 'symbol' || method === 'then') return undefined;
      if (!hasMethod(name, method)) return missingMethod(name, method);
      return (...args) => nx.extCall(name, method, args);
    },
    has(target, method) { return hasMethod(name, method); },
    ownKeys() { return methodsOf(name).slice(); },
    getOwnPropertyDescriptor(target, method) {
      if (!hasMethod(name, method)) return undefined;
      return { value: this.get(target, method), writable: false, enumerable: true, configurable: true };
    },
    set() { return false; },
    defineProperty() { return false; },
    deleteProperty() { return false; },
  }));
  const extHelpers = Object.freeze({
    exists: Object.freeze((name) => known(name)),
    methods: Object.freeze((name) => (known(name) ? methodsOf(name).slice() : undefined)),
    list: Object.freeze(() => Object.keys(extensions())),
  });
  const $ext = new Proxy(Object.create(null), {
    get(target, name) {
      if (typeof name === 'symbol' || name === 'then') return undefined;
      if (known(name)) return extension(name);
      return hasOwn(extHelpers, name) ? extHelpers[name] : missingExtension(name);
    },
    has(target, name) { return known(name); },
    ownKeys() { return Object.keys(extensions()); },
    getOwnPropertyDescriptor(target, name) {
      if (!known(name)) return undefined;
      return { value: extension(name), writable: false, enumerable: true, configurable: true };
    },
    set() { return false; },
    defineProperty() { return false; },
    deleteProperty() { return false; },
  });

  // ---- $host: custom interfaces registered by the embedder ------------------
  // $host["acme:billing/quota"].check(args) calls that interface's function.
  let hostListing = null;
  const interfaces = () => hostListing || (hostListing = nx.hostList());
  const hostProxies = Object.create(null);
  const $host = new Proxy(Object.create(null), {
    get(target, iface) {
      if (typeof iface === 'symbol' || iface === 'then') return undefined;
      if (!hasOwn(interfaces(), iface))
        throw coded('EXTENSION_NOT_FOUND', `no host interface named "${iface}"`);
      return hostProxies[iface] || (hostProxies[iface] = new Proxy(Object.create(null), {
        get(t, fn) {
          if (typeof fn === 'symbol' || fn === 'then') return undefined;
          if (!interfaces()[iface].includes(fn))
            throw coded('METHOD_NOT_FOUND', `host interface "${iface}" has no function "${fn}"`);
          return (args) => nx.hostCall(iface, fn, args);
        },
        has(t, fn) { return interfaces()[iface].includes(fn); },
        ownKeys() { return interfaces()[iface].slice(); },
        getOwnPropertyDescriptor(t, fn) {
          if (!interfaces()[iface].includes(fn)) return undefined;
          return { value: this.get(t, fn), writable: false, enumerable: true, configurable: true };
        },
        set() { return false; },
      }));
    },
    has(target, iface) { return typeof iface === 'string' && hasOwn(interfaces(), iface); },
    ownKeys() { return Object.keys(interfaces()); },
    getOwnPropertyDescriptor(target, iface) {
      if (typeof iface === 'symbol' || !hasOwn(interfaces(), iface)) return undefined;
      return { value: this.get(target, iface), writable: false, enumerable: true, configurable: true };
    },
    set() { return false; },
  });

  defineGlobal('$state', $state);
  defineGlobal('$emit', $emit);
  defineGlobal('$view', $view);
  defineGlobal('$log', $log);
  defineGlobal('$time', $time);
  defineGlobal('$ext', $ext);
  defineGlobal('$host', $host);
  Object.defineProperty(globalThis, 'console', {
    value: console, enumerable: false, writable: true, configurable: true,
  });

  // ---- lockdown -------------------------------------------------------------
  // Data properties that ordinary code overrides on its own objects (a class
  // setting this.name, an object defining toString) become accessors whose
  // setter defines an own property on the receiver, so freezing the
  // prototypes does not break that code (the "override mistake").
  const overridable = [
    [Object.prototype, ['constructor', 'toString', 'valueOf', 'toLocaleString']],
    [Function.prototype, ['constructor', 'toString']],
    [Error.prototype, ['constructor', 'name', 'message', 'toString']],
    [Array.prototype, ['constructor', 'toString']],
  ];
  for (const [proto, names] of overridable) {
    for (const name of names) {
      const desc = Object.getOwnPropertyDescriptor(proto, name);
      if (!desc || !('value' in desc)) continue;
      const value = desc.value;
      Object.defineProperty(proto, name, {
        get() { return value; },
        set(v) {
          if (this === proto)
            throw new TypeError(`built-in ${name} cannot be replaced`);
          Object.defineProperty(this, name, { value: v, writable: true, enumerable: true, configurable: true });
        },
        enumerable: desc.enumerable,
        configurable: false,
      });
    }
  }

  // Every intrinsic a handler can reach: the globals, plus prototypes that
  // are only reachable through instances.
  const roots = [globalThis];
  const samples = [
    function* () {}, async function () {}, async function* () {},
    [][Symbol.iterator](), new Map().entries(), new Set().values(),
    ''[Symbol.iterator](), /x/[Symbol.matchAll](''), (function* () {})(),
    (async function* () {})(), Object.getPrototypeOf(Int8Array),
    new URLSearchParams().keys(), // guest/web_url_api.c
  ];
  for (const s of samples) roots.push(s, Object.getPrototypeOf(s));
  // the API proxies are not plain data: never walk or freeze them.
  // guest/lockdown.c walks prototypes, values, getters and setters.
  nx.lockdown(roots, [$state, $ext, $host]);
  // Built-in globals keep their bindings; $-APIs are non-writable.
})
