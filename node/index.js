// index.js - the nexus-runtime package: NexusRuntime, the JavaScript face
// of the native addon. It checks arguments, encodes contexts and decodes
// results (lib/values.js), and drives each execution through its
// suspensions with a lifecycle that always settles (lib/execution.js),
// here or, with a suspension store, from whichever runtime resumes it
// (docs/durable-suspensions.md).
// Everything that runs handler code runs off the JS thread inside the
// addon; nothing here blocks the event loop.
'use strict';

const os = require('node:os');
const { loadAddon } = require('./lib/load.js');
const { NexusError, attachResult, invalid, shutDown, aborted } = require('./lib/errors.js');
const values = require('./lib/values.js');
const { Deadlines } = require('./lib/deadlines.js');
const { Execution, messageOf } = require('./lib/execution.js');
const {
  LIMIT_KEYS, DEFAULTS, MAX_DEADLINE_MS, isU32, isPlainObject, validateConfig, validateContext, validateCallOptions,
} = require('./lib/options.js');

const native = loadAddon();
configureExecutors();
// results of callback calls arrive here (lib/execution.js reads them at once)
const sharedResults = Buffer.from(native.sharedBuffer());

// Executions run on executors: threads of the addon's own, at most
// maxExecutors (default: one per CPU, at least 2; NEXUS_EXECUTORS), kept
// asleep between requests. After its last request one executor spins
// briefly (spinMicros) waiting for the next, and the event loop polls for
// as long while a single request is in flight, so awaiting executions one
// after another does not pay two thread wake-ups each time. The addon
// keeps spinning only while it measures faster than sleeping (busy CPUs);
// on a single CPU it is off. NEXUS_SPIN_US overrides the spin (0: off).
function configureExecutors(options = {}) {
  const cpus = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const envInt = (name) => {
    const v = process.env[name];
    return v !== undefined && v !== '' && Number.isInteger(Number(v)) ? Number(v) : undefined;
  };
  const maxExecutors = options.maxExecutors ?? envInt('NEXUS_EXECUTORS') ?? Math.min(1024, Math.max(2, cpus));
  const spinMicros = options.spinMicros ?? envInt('NEXUS_SPIN_US') ?? (cpus > 1 ? 200 : 0);
  if (!isU32(maxExecutors) || maxExecutors < 1 || maxExecutors > 1024) {
    throw invalid('maxExecutors must be an integer from 1 to 1024');
  }
  if (!isU32(spinMicros) || spinMicros > 100000) throw invalid('spinMicros must be an integer from 0 to 100000');
  native.configureExecutors(maxExecutors, spinMicros);
}


// Native calls throw or reject with an Error carrying .code and, when the
// library produced a result, .resultBuffer: make it a NexusError with the
// decoded .result.
function nativeError(e) {
  if (!(e instanceof Error) || typeof e.code !== 'string' || e instanceof NexusError) return e;
  const error = new NexusError(e.code, e.message);
  if (e.resultBuffer) {
    try {
      attachResult(error, values.decodeResult(e.resultBuffer));
    } catch { /* keep the code and message */ }
  }
  return error;
}

function checkCode(code) {
  if (typeof code !== 'string') throw invalid('code must be a string');
}

function checkSuspensionId(id) {
  if (typeof id !== 'string' || id === '') throw invalid('suspensionId must be a non-empty string');
}

// ---- compiled handlers --------------------------------------------------------------

const handleInternals = new WeakMap();

/** A handler compiled by `precompileHandler`; usable with the runtime that made it. */
class CompiledHandler {
  constructor(nativeHandle, runtime) {
    handleInternals.set(this, { nativeHandle, runtime });
    this.id = nativeHandle.id;
    Object.freeze(this);
  }
}

// ---- the runtime ----------------------------------------------------------------------

const TOMBSTONES = 4096; // answers kept for ids of executions that ended on their own
const asyncDispose = Symbol.asyncDispose || Symbol.for('nodejs.asyncDispose');

class NexusRuntime {
  #rt;
  #extensions = new Map(); // name -> handler | null
  #interceptors = new Map(); // id -> { before, after }
  #nextInterceptor = 1;
  #shutdown = null;
  #config;
  #core;

  constructor(config = {}) {
    const valid = validateConfig(config);
    this.#config = valid;
    const store = Boolean(valid.suspensionStore);
    // Suspensions waiting in this process are expired here
    // (suspensionTtlMs, deadlineMs), where the answers of JS-served calls
    // are awaited; the library's own expiry is pushed out of the way so
    // that a slow JS extension cannot outlive it. In a store the TTL is
    // the store's own (Redis PX). The library bounds the overall deadline
    // too, wherever the execution goes.
    const nativeConfig = { ...valid, suspensionTtlMs: store ? valid.suspensionTtlMs || DEFAULTS.suspensionTtlMs : 0xffffffff };
    if (valid.deadlineMs) nativeConfig.deadlineMs = Math.min(valid.deadlineMs, MAX_DEADLINE_MS);
    try {
      this.#rt = native.createRuntime(nativeConfig);
    } catch (e) {
      throw nativeError(e);
    }
    const rt = this.#rt;
    const extensions = this.#extensions;
    const tombstones = new Map(); // suspension id -> TIMEOUT result | null (expired)
    this.#core = {
      deadlines: new Deadlines(),
      active: new Set(),
      manual: new Map(), // suspension id handed to the caller -> Execution
      tombstones,
      suspensionTtlMs: valid.suspensionTtlMs || DEFAULTS.suspensionTtlMs,
      nativeError,
      servedHere: (name) => Boolean(extensions.get(name)),
      extensionHandler: (name) => extensions.get(name),
      shared: sharedResults,
      store,
      // fromStore: the addon takes the execution from the store (exactly
      // once), with its whole so far, and resumes it here
      resume: (id, o, cb, whole, fromStore, slot) => native.resume(rt, id, o.isError, o.isError ? null : o.value,
        o.isError ? o.message : null, cb, whole, fromStore === true, slot || 0),
      releaseSlot: () => native.releaseSlot(rt),
      wholeResult: (whole) => native.wholeResult(whole),
      wholeFail: (whole, code, message, suspensions) => native.wholeFail(whole, code, message, suspensions),
      // releaseSlot: the execution holds a slot, given back once cancelled
      cancel: (id, releaseSlot) => {
        if (this.#shutdown) return; // shutdown cancels every suspended execution
        try {
          native.cancel(rt, id, releaseSlot === true && !this.#core.closing).catch(() => {});
        } catch { /* already gone */ }
      },
      closing: false, // shutdown() began
      saveRecording: (rec) => native.saveRecording(rec),
      tombstone(ids, result) {
        for (const id of ids) {
          tombstones.set(id, result);
          if (tombstones.size > TOMBSTONES) tombstones.delete(tombstones.keys().next().value);
        }
      },
    };
  }

  /**
   * Runs handler source with context; resolves with the (final) result.
   * options: { signal, record } (a number is the old timeoutMs argument).
   */
  executeHandler(code, context, options) {
    try {
      checkCode(code);
      const opts = validateCallOptions(options, { record: true });
      return this.#start(validateContext(context), opts,
        (ctx, enc, limits, cb) => native.execute(this.#rt, code, ctx.panelId, ctx.handlerName, enc[0], enc[1], enc[2],
          ctx.caps, limits, opts.record === true, cb));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Compiles code; rejects with code COMPILATION_ERROR (with line/column) on a syntax error. */
  async precompileHandler(code) {
    checkCode(code);
    if (this.#shutdown) throw shutDown();
    let handle;
    try {
      handle = await native.precompile(this.#rt, code);
    } catch (e) {
      throw nativeError(e);
    }
    return new CompiledHandler(handle, this);
  }

  /** Runs a handler from precompileHandler. */
  executeCompiledHandler(handle, context, options) {
    try {
      const internals = handle instanceof CompiledHandler ? handleInternals.get(handle) : undefined;
      if (!internals) throw invalid('handle must come from precompileHandler');
      if (internals.runtime !== this) {
        throw new NexusError('INVALID_HANDLER', 'the handler was not compiled by this runtime');
      }
      const opts = validateCallOptions(options);
      return this.#start(validateContext(context), opts,
        (ctx, enc, limits, cb) => native.executeCompiled(this.#rt, internals.nativeHandle, ctx.panelId, ctx.handlerName,
          enc[0], enc[1], enc[2], ctx.caps, limits, cb));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  // The deadline, then the first native call of an execution.
  #start(ctx, opts, call) {
    if (this.#shutdown) throw shutDown();
    if (opts.signal && opts.signal.aborted) throw aborted(opts.signal);
    const deadlineMs = (ctx.limits && ctx.limits.deadlineMs) || this.#config.deadlineMs || DEFAULTS.deadlineMs;
    const limits = this.#limits(ctx.limits, opts.timeoutMs, deadlineMs);
    const encoded = values.encodeContext(ctx.state, ctx.args, ctx.scope);
    const exec = new Execution(this.#core, deadlineMs);
    return this.#launch(exec, opts.signal, () => {
      exec.step((cb) => call(ctx, encoded, limits, cb));
    });
  }

  // An execution's promise, after run() made its first native call. The
  // addon copies what it needs at once, and starts the execution when its
  // runtime has a slot (at most maxInstances in progress: src/slots.c).
  #launch(exec, signal, run) {
    this.#core.active.add(exec);
    const promise = exec.attach(signal);
    run();
    return promise;
  }

  // Brings an execution that waits outside this process's memory (in the
  // store, or in bytes) here: an Execution with the runtime's deadline
  // (the library holds the execution's own, from its start).
  #adopt(signal) {
    if (this.#shutdown) throw shutDown();
    if (signal && signal.aborted) throw aborted(signal);
    const exec = new Execution(this.#core, this.#config.deadlineMs || DEFAULTS.deadlineMs);
    return { exec, promise: (run) => this.#launch(exec, signal, () => run(exec)) };
  }

  // The limits object for the addon (null: the runtime's defaults). The first
  // segment's time limit never reaches past the deadline.
  #limits(limits, timeoutMs, deadlineMs) {
    const timeout = timeoutMs || (limits && limits.timeoutMs) || this.#config.timeoutMs || DEFAULTS.timeoutMs;
    const capped = Math.min(timeout, deadlineMs);
    if (!limits && capped === timeout && !timeoutMs) return null;
    const out = {};
    for (const key of LIMIT_KEYS) if (limits && limits[key]) out[key] = limits[key];
    out.timeoutMs = capped;
    if (limits && limits.deadlineMs) out.deadlineMs = Math.min(limits.deadlineMs, MAX_DEADLINE_MS);
    return out;
  }

  /**
   * Registers extension `name` with its methods. With a handler
   * `(method, args, call) => value | Promise<value>`, calls are answered
   * here; with `null` they are left to the caller (the result comes back
   * suspended, answer with resumeHandler).
   */
  registerExtension(name, methods, handler = null) {
    if (this.#shutdown) throw shutDown();
    if (typeof name !== 'string' || name === '') throw invalid('name must be a non-empty string');
    if (!Array.isArray(methods) || !methods.every((m) => typeof m === 'string' && m !== '')) {
      throw invalid('methods must be an array of non-empty strings');
    }
    if (handler !== null && handler !== undefined && typeof handler !== 'function') {
      throw invalid('handler must be a function or null');
    }
    try {
      native.registerExtension(this.#rt, name, methods);
    } catch (e) {
      throw nativeError(e);
    }
    this.#extensions.set(name, handler || null);
  }

  /**
   * Registers a $host interface: handlers call
   * `$host[name].fn(args)` (with the capability `host:NAME`) and get what
   * `functions.fn(args)` returns, synchronously. A function that throws
   * makes the handler's call throw EXECUTION_ERROR with its message (after
   * options.onError(interface, function, message) saw it). A function
   * returning a Promise is an error: host functions are synchronous.
   */
  registerInterface(name, functions, options = {}) {
    if (this.#shutdown) throw shutDown();
    if (typeof name !== 'string' || name === '') throw invalid('name must be a non-empty string');
    if (!isPlainObject(functions)) throw invalid('functions must be an object of functions');
    const names = Object.keys(functions);
    if (!names.every((n) => typeof functions[n] === 'function')) throw invalid('every member of functions must be a function');
    if (!isPlainObject(options ?? {})) throw invalid('options must be an object');
    const onError = options && options.onError;
    if (onError !== undefined && onError !== null && typeof onError !== 'function') {
      throw invalid('options.onError must be a function');
    }
    const fail = (fn, message) => {
      if (onError) {
        try {
          onError(name, fn, message);
        } catch { /* the hook's own failure does not change the answer */ }
      }
      return message;
    };
    // runs on the JS thread while the execution waits: Buffer, string (an
    // error) or undefined
    const dispatch = (fn, argsBuffer) => {
      let result;
      try {
        const args = argsBuffer.length ? values.decode(argsBuffer) : undefined;
        result = functions[fn](args);
      } catch (e) {
        return fail(fn, messageOf(e));
      }
      if (result !== null && typeof result === 'object' && typeof result.then === 'function') {
        Promise.resolve(result).catch(() => {});
        return fail(fn, `${name}.${fn} returned a Promise: host functions are synchronous (use an extension)`);
      }
      if (result === undefined) return undefined;
      try {
        return values.encode(result, `${name}.${fn}() result`);
      } catch (e) {
        return fail(fn, e.message);
      }
    };
    try {
      native.registerInterface(this.#rt, name, names, dispatch);
    } catch (e) {
      throw nativeError(e);
    }
  }

  /**
   * Adds hooks called for every host call of every execution of this
   * runtime: `{ phase, interface, function, input, output, code }`, input
   * and output as values. They run on the JS thread, in order, after the
   * execute or resume that made the calls and before its promise settles.
   * Returns an id for removeInterceptor.
   */
  addInterceptor(hooks) {
    if (this.#shutdown) throw shutDown();
    if (!isPlainObject(hooks) || (hooks.before != null && typeof hooks.before !== 'function') ||
        (hooks.after != null && typeof hooks.after !== 'function')) {
      throw invalid('hooks must be { before?, after? } functions');
    }
    const id = this.#nextInterceptor++;
    this.#interceptors.set(id, { before: hooks.before || null, after: hooks.after || null });
    if (this.#interceptors.size === 1) native.setInterceptor(this.#rt, (calls) => this.#intercepted(calls));
    return id;
  }

  removeInterceptor(id) {
    if (!this.#interceptors.delete(id)) throw invalid(`no interceptor ${id}`);
    if (this.#interceptors.size === 0 && !this.#shutdown) native.setInterceptor(this.#rt, null);
  }

  #intercepted(calls) {
    const decodeOrNull = (b) => {
      if (!b) return null;
      try {
        return values.decode(b);
      } catch {
        return b;
      }
    };
    for (const c of calls) {
      const call = {
        phase: c.phase, interface: c.interface, function: c.function,
        input: decodeOrNull(c.input), output: decodeOrNull(c.output), code: c.code,
      };
      for (const hooks of this.#interceptors.values()) {
        const hook = c.phase === 'before' ? hooks.before : hooks.after;
        if (!hook) continue;
        try {
          hook(call);
        } catch (e) {
          process.emitWarning(`nexus-runtime: an interceptor threw: ${messageOf(e)}`);
        }
      }
    }
  }

  /**
   * Answers a pending extension call of a suspended execution.
   * options: { signal }.
   */
  resumeHandler(suspensionId, asyncResult, options) {
    try {
      checkSuspensionId(suspensionId);
      if (!isPlainObject(asyncResult) || typeof asyncResult.success !== 'boolean') {
        throw invalid('asyncResult must be { success: true, value } or { success: false, error }');
      }
      const opts = validateCallOptions(options);
      if (this.#shutdown) throw shutDown();
      if (opts.signal && opts.signal.aborted) throw aborted(opts.signal);
      const outcome = asyncResult.success
        ? { isError: false, value: values.encode(asyncResult.value, 'asyncResult.value') }
        : { isError: true, message: messageOf(asyncResult.error ?? 'extension call failed') };
      const core = this.#core;
      const exec = core.manual.get(suspensionId);
      if (exec) return exec.resume(suspensionId, outcome, opts.signal);
      if (core.tombstones.has(suspensionId)) {
        const result = core.tombstones.get(suspensionId);
        if (result) return Promise.resolve(result); // the deadline passed
        throw invalid(`the suspension ${suspensionId} expired (suspensionTtlMs)`);
      }
      if (core.store) {
        // in the store (from any runtime attached to it): taken, exactly once
        const { exec: adopted, promise } = this.#adopt(opts.signal);
        adopted.here = false;
        adopted.fresh = true; // it starts here: the resume takes a slot
        return promise(() => adopted.resumeStep(suspensionId, outcome));
      }
      // not ours to drive: the library says what it is (unknown, used...)
      return core.resume(suspensionId, outcome).then((b) => values.decodeResult(b), (e) => { throw nativeError(e); });
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Takes the suspended execution waiting on suspensionId (here, or in the
   * store) out of the runtime as bytes, authenticated with the
   * suspensionKey: importSuspended on any runtime with the same key and
   * Nexus build brings it back. Afterwards it waits nowhere.
   */
  async exportSuspended(suspensionId) {
    checkSuspensionId(suspensionId);
    if (this.#shutdown) throw shutDown();
    if (!this.#config.suspensionKey) throw invalid('exportSuspended needs the suspensionKey option');
    const exec = this.#core.manual.get(suspensionId);
    if (exec) {
      // no resume may take it while it leaves; it stays if it cannot
      exec.forgetManual();
      exec.busy = true;
    }
    try {
      // not waiting here: in the store, if there is one
      const bytes = await native.exportSuspended(this.#rt, suspensionId, !exec && this.#core.store);
      if (exec) {
        exec.busy = false;
        exec.suspended = null; // it is in the bytes now: nothing to cancel
        exec.end(null);
      }
      return bytes;
    } catch (e) {
      if (exec) {
        exec.busy = false;
        if (!exec.finished) exec.waitHere(exec.suspended);
      }
      throw nativeError(e);
    }
  }

  /**
   * Imports an execution exportSuspended made (here or elsewhere) and goes
   * on as if it had suspended here: resolves with the whole execution so
   * far, suspended on the calls the caller answers with resumeHandler
   * (calls of extensions with a JavaScript handler are answered first), or
   * with its end. options: { signal }. A blob altered in any byte, made
   * under another key or by another build is refused (INVALID_ARGUMENT).
   */
  importSuspended(bytes, options) {
    try {
      if (!(bytes instanceof Uint8Array) || bytes.length === 0) throw invalid('bytes must be a non-empty Buffer or Uint8Array');
      const opts = validateCallOptions(options);
      if (!this.#config.suspensionKey) throw invalid('importSuspended needs the suspensionKey option');
      const { exec, promise } = this.#adopt(opts.signal);
      return promise(() => {
        exec.importing = true; // the import takes a slot itself
        exec.step((cb) => native.importSuspended(this.#rt, bytes, cb));
      });
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Abandons the suspended execution that owns suspensionId. */
  async cancelSuspension(suspensionId) {
    checkSuspensionId(suspensionId);
    if (this.#shutdown) throw shutDown();
    const exec = this.#core.manual.get(suspensionId);
    try {
      if (exec) {
        exec.end(null); // cancels it in the library too
        return;
      }
      await native.cancel(this.#rt, suspensionId);
    } catch (e) {
      throw nativeError(e);
    }
  }

  /**
   * Replays a recording (the Buffer a recorded execution's result carries
   * in `recording`): resolves with the same result, metrics aside; a replay
   * that departs from the recording resolves with an INVALID_HANDLER error.
   */
  async replay(recording) {
    if (this.#shutdown) throw shutDown();
    if (!(recording instanceof Uint8Array)) throw invalid('recording must be a Buffer or Uint8Array');
    let buffer;
    try {
      buffer = await native.replay(this.#rt, recording);
    } catch (e) {
      throw nativeError(e);
    }
    return values.decodeResult(buffer);
  }

  getStats() {
    return native.stats(this.#rt);
  }

  getPrometheusMetrics() {
    return native.prometheus(this.#rt);
  }

  inferCapabilities(code) {
    checkCode(code);
    return native.inferCapabilities(code);
  }

  /**
   * Stops the runtime. Calls waiting to start reject with SHUT_DOWN; an
   * execution waiting on a JS extension handler rejects with SHUT_DOWN at
   * once; one running in the sandbox finishes (resolving with its result,
   * or SHUT_DOWN if it suspends); suspended executions are cancelled. Later
   * calls reject with SHUT_DOWN. Resolves once all of that has settled.
   * Idempotent.
   */
  shutdown() {
    if (!this.#shutdown) {
      const core = this.#core;
      // what ends here is cancelled without giving its slot back, so that
      // no call waiting for one starts: native.shutdown withdraws those
      // (they reject with SHUT_DOWN), and lets the cancels run
      core.closing = true;
      for (const exec of [...core.manual.values()]) exec.end(null);
      for (const exec of [...core.active]) exec.shutDown();
      const done = native.shutdown(this.#rt).catch((e) => { throw nativeError(e); });
      // every execution still running has its answer by now: end the rest
      this.#shutdown = done.then(() => {
        for (const exec of [...core.active]) exec.end('reject', shutDown('the runtime was shut down during this execution'));
      });
    }
    return this.#shutdown;
  }

  /** Shuts the runtime down (see shutdown); for `await using`. */
  dispose() {
    return this.shutdown();
  }

  [asyncDispose]() {
    return this.shutdown();
  }

  get isShutdown() {
    return this.#shutdown !== null;
  }

  /** Benchmark entry points: the C API's own loop in this process (bench/compare.js). */
  static get _bench() {
    return { latency: native.benchLatency, throughput: native.benchThroughput, runtimeOf: (r) => r.#rt };
  }
}

module.exports = {
  NexusRuntime,
  NexusError,
  CompiledHandler,
  version: native.version,
  configureExecutors,
  inferCapabilities: (code) => {
    checkCode(code);
    return native.inferCapabilities(code);
  },
};
