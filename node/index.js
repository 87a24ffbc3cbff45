// index.js - the nexus-runtime package: NexusRuntime, the JS face of the
// native addon (build/Release/nexus.node). It validates arguments, encodes
// contexts and decodes results as MessagePack, and drives extension calls
// served by JS functions (suspend -> call the JS handlers -> resume, until
// the execution ends). Everything that runs handler code runs on the libuv
// threadpool inside the addon; nothing here blocks the event loop.
'use strict';

const os = require('node:os');
const path = require('node:path');
const { Encoder, Decoder } = require('@msgpack/msgpack');

const { loadAddon } = require('./lib/load.js');

const native = loadAddon();
configureExecutors();

// Executions run on executors: napi async works on the libuv threadpool,
// at most one per pool thread. After its last request one executor spins
// briefly (spinMicros) waiting for the next, and the event loop polls for
// as long while a single request is in flight, so awaiting executions one
// after another does not pay two thread wake-ups each time. The addon
// keeps spinning only while it measures faster than sleeping (busy CPUs);
// on a single CPU it is off. NEXUS_SPIN_US overrides the spin (0: off).
function configureExecutors(options = {}) {
  const cpus = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const pool = Math.min(1024, Math.max(1, Number.parseInt(process.env.UV_THREADPOOL_SIZE, 10) || 4));
  const envSpin = process.env.NEXUS_SPIN_US;
  const defaultSpin = envSpin !== undefined && envSpin !== '' && Number.isInteger(Number(envSpin))
    ? Number(envSpin) : (cpus > 1 ? 200 : 0);
  const maxExecutors = options.maxExecutors ?? pool;
  const spinMicros = options.spinMicros ?? defaultSpin;
  if (!isU32(maxExecutors) || maxExecutors < 1 || maxExecutors > 1024) {
    throw invalid('maxExecutors must be an integer from 1 to 1024');
  }
  if (!isU32(spinMicros) || spinMicros > 100000) throw invalid('spinMicros must be an integer from 0 to 100000');
  native.configureExecutors(maxExecutors, spinMicros);
}

// ---- errors -------------------------------------------------------------------------

/** An Error with a Nexus error code (`TIMEOUT`, `INVALID_ARGUMENT`, ...). */
class NexusError extends Error {
  constructor(code, message, result) {
    super(message);
    this.name = 'NexusError';
    this.code = code;
    if (result !== undefined) attachResult(this, result);
  }
}

function attachResult(error, result) {
  error.result = result;
  const info = result && result.error;
  if (info) {
    error.line = info.line ?? null;
    error.column = info.column ?? null;
    error.sourceLine = info.sourceLine ?? null;
    if (info.stack) error.handlerStack = info.stack;
  }
}

function invalid(message) {
  return new NexusError('INVALID_ARGUMENT', message);
}

// ---- MessagePack ---------------------------------------------------------------------

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);

// 64-bit integers become numbers within +-2^53 and BigInts beyond, as in
// the sandbox (docs/values.md). Timestamps decode to Date, bin to Uint8Array.
class NexusDecoder extends Decoder {
  readU64AsBigInt() {
    const v = super.readU64AsBigInt();
    return v <= MAX_SAFE ? Number(v) : v;
  }

  readI64AsBigInt() {
    const v = super.readI64AsBigInt();
    return v >= MIN_SAFE && v <= MAX_SAFE ? Number(v) : v;
  }

  // a copy, as a plain Uint8Array: no view into the whole result buffer
  decodeBinary(byteLength, headOffset) {
    return new Uint8Array(super.decodeBinary(byteLength, headOffset));
  }
}

const decoder = new NexusDecoder({ useBigInt64: true });
const encoder = new Encoder({ useBigInt64: true, ignoreUndefined: true });

function encodeValue(value, what) {
  try {
    return encoder.encode(value);
  } catch (e) {
    throw new NexusError('SERIALIZATION_ERROR', `${what} cannot be serialised: ${e.message}`);
  }
}

function decodeResult(buffer) {
  try {
    return decoder.decode(buffer);
  } catch (e) {
    // e.g. a map key "__proto__", which no plain JS object can hold safely
    throw new NexusError('SERIALIZATION_ERROR', `the result cannot be decoded: ${e.message}`);
  }
}

// Native calls throw or reject with an Error carrying .code and, when the
// library produced a result, .resultBuffer: make it a NexusError with the
// decoded .result.
function nativeError(e) {
  if (!(e instanceof Error) || typeof e.code !== 'string' || e instanceof NexusError) return e;
  const error = new NexusError(e.code, e.message);
  if (e.resultBuffer) {
    try {
      attachResult(error, decoder.decode(e.resultBuffer));
    } catch { /* keep the code and message */ }
  }
  return error;
}

async function callNative(fn) {
  try {
    return await fn();
  } catch (e) {
    throw nativeError(e);
  }
}

// ---- validation ---------------------------------------------------------------------

const U32_CONFIG = [
  'maxInstances', 'prewarmInstances', 'acquireTimeoutMs', 'suspensionTtlMs',
  'timeoutMs', 'memoryLimitMb', 'maxHostCalls', 'maxValueBytes', 'maxLogBytes',
  'maxEvents', 'maxViewCommands', 'maxLogs', 'maxStateKeys', 'maxOutputBytes',
];
const DEFAULT_MAX_INSTANCES = 64; // nx_config_init's
const CONFIG_KEYS = new Set([...U32_CONFIG, 'cacheMaxBytes', 'cacheDir']);
const CONTEXT_KEYS = new Set(['panelId', 'handlerName', 'state', 'args', 'scope', 'capabilities']);

function isU32(v) {
  return Number.isInteger(v) && v >= 0 && v <= 0xffffffff;
}

function isPlainObject(v) {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v) &&
         !(v instanceof Date);
}

function validateConfig(config) {
  if (config === undefined || config === null) return {};
  if (!isPlainObject(config)) throw invalid('config must be an object');
  const out = {};
  for (const key of Object.keys(config)) {
    if (!CONFIG_KEYS.has(key)) throw invalid(`unknown config option "${key}"`);
    const v = config[key];
    if (v === undefined) continue;
    if (U32_CONFIG.includes(key)) {
      if (!isU32(v)) throw invalid(`config.${key} must be an integer from 0 to 4294967295`);
    } else if (key === 'cacheMaxBytes') {
      if (!Number.isSafeInteger(v) || v < 0) throw invalid('config.cacheMaxBytes must be a non-negative integer');
    } else if (key === 'cacheDir') {
      if (v !== null && (typeof v !== 'string' || v === '')) {
        throw invalid('config.cacheDir must be a non-empty string or null');
      }
    }
    out[key] = v;
  }
  if (out.memoryLimitMb !== undefined && out.memoryLimitMb !== 0 &&
      (out.memoryLimitMb < 4 || out.memoryLimitMb > 4096)) {
    throw invalid('config.memoryLimitMb must be from 4 to 4096');
  }
  return out;
}

function encodeMap(value, what) {
  if (value === undefined || value === null) return null;
  if (!isPlainObject(value) && !(value instanceof Map)) throw invalid(`context.${what} must be an object`);
  return encodeValue(value, `context.${what}`);
}

function optionalString(value, what) {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw invalid(`context.${what} must be a string`);
  return value;
}

// The positional arguments the addon takes after the handler:
// panelId, handlerName, state, args, scope, capabilities, timeoutMs.
function contextArgs(context, timeoutMs) {
  if (context === undefined || context === null) context = {};
  if (!isPlainObject(context)) throw invalid('context must be an object');
  for (const key of Object.keys(context)) {
    if (!CONTEXT_KEYS.has(key)) throw invalid(`unknown context field "${key}"`);
  }
  let caps = null;
  if (context.capabilities !== undefined && context.capabilities !== null) {
    if (!Array.isArray(context.capabilities) || !context.capabilities.every((c) => typeof c === 'string')) {
      throw invalid('context.capabilities must be an array of strings');
    }
    caps = context.capabilities;
  }
  if (timeoutMs !== undefined && timeoutMs !== null && !isU32(timeoutMs)) {
    throw invalid('timeoutMs must be an integer from 0 to 4294967295 (0: the runtime default)');
  }
  return [
    optionalString(context.panelId, 'panelId'),
    optionalString(context.handlerName, 'handlerName'),
    encodeMap(context.state, 'state'),
    encodeMap(context.args, 'args'),
    encodeMap(context.scope, 'scope'),
    caps,
    timeoutMs ?? null,
  ];
}

function checkCode(code) {
  if (typeof code !== 'string') throw invalid('code must be a string');
}

// ---- combining the results of one execution's resumes --------------------------------

// A successful or suspended result carries the effects since the previous
// result of the same execution; when the resumes happen here the caller
// sees one result, so the segments are combined: mutations one per key in
// first-write order with the final value, events/view commands/logs in
// order, metrics summed (suspensions: the final count). A failed final
// result keeps only the logs, so the whole execution stays all or nothing.
function combine(segments) {
  const last = segments[segments.length - 1];
  const failed = last.status === 'error';
  const mutations = new Map();
  const events = [];
  const viewCommands = [];
  const logs = [];
  const metrics = { ...last.metrics, durationUs: 0, compileUs: 0, hostCalls: 0 };
  metrics.cacheHit = segments[0].metrics ? segments[0].metrics.cacheHit : metrics.cacheHit;
  for (const s of segments) {
    if (!failed) {
      for (const m of s.stateMutations || []) mutations.set(m.key, m);
      events.push(...(s.events || []));
      viewCommands.push(...(s.viewCommands || []));
    }
    logs.push(...(s.logs || []));
    const sm = s.metrics || {};
    metrics.durationUs += sm.durationUs || 0;
    metrics.compileUs += sm.compileUs || 0;
    metrics.hostCalls += sm.hostCalls || 0;
  }
  return {
    ...last,
    stateMutations: [...mutations.values()],
    events,
    viewCommands,
    logs,
    metrics,
  };
}

function messageOf(e) {
  if (e instanceof Error) return e.message || e.name || 'extension call failed';
  try {
    return typeof e === 'string' ? e : String(e);
  } catch {
    return 'extension call failed';
  }
}

// ---- admission ---------------------------------------------------------------------------

// At most `limit` executions are in progress (running, or suspended while
// their JS-served extension calls run) at once; further ones wait here, in
// order. A sandbox instance stays taken while its execution is suspended,
// so without this a burst of executions awaiting JS extensions would take
// every instance and leave threadpool threads blocked waiting for one
// (ending in RESOURCE_LIMIT) while the resumes that free them queue behind.
class Admission {
  #limit;
  #active = 0;
  #waiting = [];
  #closed = null;

  constructor(limit) {
    this.#limit = limit;
  }

  acquire() {
    if (this.#closed) return Promise.reject(this.#closed());
    if (this.#active < this.#limit) {
      this.#active++;
      return undefined; // no wait: callers skip the await
    }
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  release() {
    const next = this.#waiting.shift();
    if (next) next.resolve(); // the slot passes on
    else this.#active--;
  }

  // Rejects every waiter, and every later acquire, with makeError().
  close(makeError) {
    this.#closed = makeError;
    for (const w of this.#waiting.splice(0)) w.reject(makeError()); // they never held a slot
  }
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

// ---- the runtime --------------------------------------------------------------------------

class NexusRuntime {
  #rt;
  #extensions = new Map(); // name -> { methods, handler|null }
  #shutdown = null;

  #admission;

  constructor(config = {}) {
    const valid = validateConfig(config);
    this.#rt = native.createRuntime(valid);
    this.#admission = new Admission(valid.maxInstances || DEFAULT_MAX_INSTANCES);
  }

  /** Runs handler source with context; resolves with the (final) result. */
  async executeHandler(code, context = {}, timeoutMs) {
    checkCode(code);
    const args = contextArgs(context, timeoutMs);
    return this.#admitted(() => native.execute(this.#rt, code, ...args));
  }

  /** Compiles code; rejects with code COMPILATION_ERROR (with line/column) on a syntax error. */
  async precompileHandler(code) {
    checkCode(code);
    const handle = await callNative(() => native.precompile(this.#rt, code));
    return new CompiledHandler(handle, this);
  }

  /** Runs a handler from precompileHandler. */
  async executeCompiledHandler(handle, context = {}, timeoutMs) {
    const internals = handle instanceof CompiledHandler ? handleInternals.get(handle) : undefined;
    if (!internals) throw invalid('handle must come from precompileHandler');
    if (internals.runtime !== this) {
      throw new NexusError('INVALID_HANDLER', 'the handler was not compiled by this runtime');
    }
    const args = contextArgs(context, timeoutMs);
    return this.#admitted(() => native.executeCompiled(this.#rt, internals.nativeHandle, ...args));
  }

  /**
   * Registers extension `name` with its methods. With a handler
   * `(method, args, call) => value | Promise<value>`, calls are answered
   * here; with `null` they are left to the caller (the result comes back
   * suspended, answer with resumeHandler).
   */
  registerExtension(name, methods, handler = null) {
    if (typeof name !== 'string' || name === '') throw invalid('name must be a non-empty string');
    if (!Array.isArray(methods) || !methods.every((m) => typeof m === 'string' && m !== '')) {
      throw invalid('methods must be an array of non-empty strings');
    }
    if (handler !== null && handler !== undefined && typeof handler !== 'function') {
      throw invalid('handler must be a function or null');
    }
    native.registerExtension(this.#rt, name, methods);
    this.#extensions.set(name, { methods: [...methods], handler: handler || null });
  }

  /** Answers a pending extension call of a suspended execution. */
  async resumeHandler(suspensionId, asyncResult) {
    if (typeof suspensionId !== 'string' || suspensionId === '') {
      throw invalid('suspensionId must be a non-empty string');
    }
    if (!isPlainObject(asyncResult) || typeof asyncResult.success !== 'boolean') {
      throw invalid('asyncResult must be { success: true, value } or { success: false, error }');
    }
    const outcome = asyncResult.success
      ? { isError: false, value: encodeValue(asyncResult.value, 'asyncResult.value') }
      : { isError: true, message: messageOf(asyncResult.error ?? 'extension call failed') };
    return this.#settle(await this.#resume(suspensionId, outcome));
  }

  /** Abandons the suspended execution that owns suspensionId. */
  async cancelSuspension(suspensionId) {
    if (typeof suspensionId !== 'string' || suspensionId === '') {
      throw invalid('suspensionId must be a non-empty string');
    }
    await callNative(() => native.cancel(this.#rt, suspensionId));
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
   * Stops the runtime: calls not yet started reject with INVALID_ARGUMENT,
   * running ones finish, suspended ones are cancelled. Idempotent.
   */
  shutdown() {
    if (!this.#shutdown) {
      this.#admission.close(() => new NexusError('INVALID_ARGUMENT', 'the runtime is shut down'));
      this.#shutdown = callNative(() => native.shutdown(this.#rt));
    }
    return this.#shutdown;
  }

  get isShutdown() {
    return this.#shutdown !== null;
  }

  // ---- extension calls answered by JS handlers ----

  // Starts an execution once admitted and settles it; the slot is held
  // until the final (or caller-bound suspended) result.
  async #admitted(start) {
    if (this.#shutdown) throw new NexusError('INVALID_ARGUMENT', 'the runtime is shut down');
    const wait = this.#admission.acquire();
    if (wait) await wait;
    try {
      let buffer;
      try {
        buffer = await start();
      } catch (e) {
        throw nativeError(e);
      }
      const result = decodeResult(buffer);
      return result.status === 'suspended' ? await this.#settle(result) : result;
    } finally {
      this.#admission.release();
    }
  }

  async #resume(id, outcome) {
    const buffer = await callNative(() => native.resume(
      this.#rt, id, outcome.isError, outcome.isError ? null : outcome.value,
      outcome.isError ? outcome.message : null));
    return decodeResult(buffer);
  }

  #servedHere(call) {
    const ext = this.#extensions.get(call.extension);
    return Boolean(ext && ext.handler);
  }

  // Never rejects: an outcome for nx_resume.
  async #callExtension(call) {
    const { handler } = this.#extensions.get(call.extension);
    let value;
    try {
      value = await handler(call.method, call.args, { id: call.id, extension: call.extension });
    } catch (e) {
      return { isError: true, message: messageOf(e) };
    }
    try {
      return { isError: false, value: encoder.encode(value) };
    } catch (e) {
      return {
        isError: true,
        message: `${call.extension}.${call.method} returned a value that cannot be serialised: ${e.message}`,
      };
    }
  }

  // While result is suspended on calls served by JS handlers: run those
  // handlers (concurrently), resume each call as its answer arrives, and
  // loop. Stops when the execution ends, or when every pending call belongs
  // to an extension registered without a handler: that suspended result
  // goes back to the caller, who answers with resumeHandler. Returns the
  // results combined (see combine). A JS-served call is never left to the
  // caller, so its handler runs exactly once.
  async #settle(result) {
    if (result.status !== 'suspended') return result;
    const segments = [];
    const answers = new Map(); // suspension id -> Promise<{id, outcome}>
    let r = result;
    try {
      for (;;) {
        const served = r.status === 'suspended' ? (r.pendingCalls || []).filter((c) => this.#servedHere(c)) : [];
        if (served.length === 0) break;
        segments.push(r);
        for (const call of served) {
          if (!answers.has(call.id)) {
            answers.set(call.id, this.#callExtension(call).then((outcome) => ({ id: call.id, outcome })));
          }
        }
        const { id, outcome } = await Promise.race(served.map((c) => answers.get(c.id)));
        answers.delete(id);
        r = await this.#resume(id, outcome);
      }
    } catch (e) {
      // the execution cannot go on: abandon it (best effort) and report
      const pending = r.status === 'suspended' && r.pendingCalls && r.pendingCalls[0];
      if (pending && !this.#shutdown) {
        try {
          native.cancel(this.#rt, pending.id).catch(() => {});
        } catch { /* already gone */ }
      }
      throw e;
    }
    if (segments.length === 0) return r;
    segments.push(r);
    return combine(segments);
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
