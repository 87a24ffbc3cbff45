// lib/options.js - checking what callers pass: the runtime's config (its
// suspension key and store included), an execution's context (with its
// per-execution limits), and a call's options (signal, record). Everything
// is checked before any work starts, and each mistake is an
// INVALID_ARGUMENT naming the field.
'use strict';

const { invalid } = require('./errors.js');

// nx_limits_t's fields, by their Node names; in the config they are the
// runtime's defaults, in context.limits one execution's (absent or 0: the
// runtime's default).
const LIMIT_KEYS = [
  'timeoutMs', 'memoryLimitMb', 'maxHostCalls', 'maxValueBytes', 'maxLogBytes',
  'maxEvents', 'maxViewCommands', 'maxLogs', 'maxStateKeys', 'maxOutputBytes', 'maxInstructions',
];
const U32_CONFIG = [
  'maxInstances', 'prewarmInstances', 'acquireTimeoutMs', 'suspensionTtlMs', 'deadlineMs', ...LIMIT_KEYS,
];
const CONFIG_KEYS = new Set([...U32_CONFIG, 'cacheMaxBytes', 'cacheDir', 'suspensionKey', 'suspensionStore']);
const STORE_KEYS = new Set(['redis', 'keyPrefix', 'timeoutMs']);
const CONTEXT_KEYS = new Set(['panelId', 'handlerName', 'state', 'args', 'scope', 'capabilities', 'limits']);
const LIMITS = new Set([...LIMIT_KEYS, 'deadlineMs']);

// The library's defaults (nx_config_init), which the Node layer needs too.
const DEFAULTS = Object.freeze({
  maxInstances: 64, timeoutMs: 5000, suspensionTtlMs: 60000, deadlineMs: 60000,
});
// The longest overall deadline the library takes (30 days); a longer one
// is that long.
const MAX_DEADLINE_MS = 30 * 24 * 3600 * 1000;

const isU32 = (v) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff;

function isPlainObject(v) {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
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
    } else if (key === 'suspensionKey') {
      out[key] = suspensionKey(v);
      continue;
    } else if (key === 'suspensionStore') {
      out[key] = suspensionStore(v);
      continue;
    }
    out[key] = v;
  }
  if (out.suspensionStore && !out.suspensionKey) {
    throw invalid('config.suspensionStore needs config.suspensionKey: the executions it holds are authenticated with it');
  }
  if (out.memoryLimitMb !== undefined && out.memoryLimitMb !== 0 &&
      (out.memoryLimitMb < 4 || out.memoryLimitMb > 4096)) {
    throw invalid('config.memoryLimitMb must be from 4 to 4096');
  }
  return out;
}

// The key exports are sealed with: its bytes (a string is its UTF-8).
function suspensionKey(v) {
  let bytes;
  if (typeof v === 'string') bytes = Buffer.from(v, 'utf8');
  else if (v instanceof Uint8Array) bytes = Buffer.from(v); // a copy: the caller may reuse theirs
  else throw invalid('config.suspensionKey must be a Buffer, a Uint8Array or a string');
  if (bytes.length < 16 || bytes.length > 64) {
    throw invalid(`config.suspensionKey must be 16 to 64 bytes (it is ${bytes.length})`);
  }
  return bytes;
}

// { redis: 'redis://HOST:PORT', keyPrefix, timeoutMs }; the library checks
// the URL itself when the runtime is created.
function suspensionStore(v) {
  if (!isPlainObject(v)) throw invalid('config.suspensionStore must be an object such as { redis: "redis://127.0.0.1:6379" }');
  for (const key of Object.keys(v)) {
    if (!STORE_KEYS.has(key)) throw invalid(`unknown config.suspensionStore option "${key}"`);
  }
  if (typeof v.redis !== 'string' || !v.redis.startsWith('redis://')) {
    throw invalid('config.suspensionStore.redis must be a URL such as "redis://127.0.0.1:6379"');
  }
  if (v.redis.includes('\0')) throw invalid('config.suspensionStore.redis cannot hold U+0000');
  const { keyPrefix = null, timeoutMs = null } = v;
  if (keyPrefix !== null && (typeof keyPrefix !== 'string' || keyPrefix === '' || keyPrefix.includes('\0'))) {
    throw invalid('config.suspensionStore.keyPrefix must be a non-empty string');
  }
  if (timeoutMs !== null && (!isU32(timeoutMs) || timeoutMs === 0)) {
    throw invalid('config.suspensionStore.timeoutMs must be an integer from 1 to 4294967295');
  }
  return { redis: v.redis, keyPrefix, timeoutMs };
}

function validateLimits(limits) {
  if (limits === undefined || limits === null) return null;
  if (!isPlainObject(limits)) throw invalid('context.limits must be an object');
  for (const key of Object.keys(limits)) {
    if (!LIMITS.has(key)) throw invalid(`unknown limit "${key}"`);
    const v = limits[key];
    if (v !== undefined && !isU32(v)) throw invalid(`context.limits.${key} must be an integer from 0 to 4294967295`);
  }
  if (limits.memoryLimitMb && (limits.memoryLimitMb < 4 || limits.memoryLimitMb > 4096)) {
    throw invalid('context.limits.memoryLimitMb must be from 4 to 4096');
  }
  return limits;
}

function optionalString(value, what) {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw invalid(`context.${what} must be a string`);
  return value;
}

function checkMap(value, what) {
  if (value === undefined || value === null) return;
  if (!isPlainObject(value) && !(value instanceof Map)) throw invalid(`context.${what} must be an object`);
}

// The context, checked: { panelId, handlerName, state, args, scope, caps, limits }.
function validateContext(context) {
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
    // the addon takes them newline-joined (one string to convert)
    caps = context.capabilities.length ? context.capabilities.join('\n') : null;
    if (caps && (caps.includes('\0') || context.capabilities.some((c) => c.includes('\n')))) {
      throw invalid('a capability token cannot hold a newline or U+0000');
    }
  }
  checkMap(context.state, 'state');
  checkMap(context.args, 'args');
  checkMap(context.scope, 'scope');
  return {
    panelId: optionalString(context.panelId, 'panelId'),
    handlerName: optionalString(context.handlerName, 'handlerName'),
    state: context.state,
    args: context.args,
    scope: context.scope,
    caps,
    limits: validateLimits(context.limits),
  };
}

// A call's options: a number is the old third argument, timeoutMs.
function validateCallOptions(options, { record = false } = {}) {
  if (options === undefined || options === null) return {};
  if (typeof options === 'number') {
    if (!isU32(options)) throw invalid('timeoutMs must be an integer from 0 to 4294967295 (0: the runtime default)');
    return { timeoutMs: options };
  }
  if (!isPlainObject(options)) throw invalid('options must be an object');
  for (const key of Object.keys(options)) {
    if (key !== 'signal' && !(record && key === 'record') && key !== 'timeoutMs') {
      throw invalid(`unknown option "${key}"`);
    }
  }
  const { signal } = options;
  if (signal !== undefined && signal !== null &&
      (typeof signal !== 'object' || typeof signal.aborted !== 'boolean' || typeof signal.addEventListener !== 'function')) {
    throw invalid('options.signal must be an AbortSignal');
  }
  if (options.timeoutMs !== undefined && !isU32(options.timeoutMs)) {
    throw invalid('options.timeoutMs must be an integer from 0 to 4294967295');
  }
  if (options.record !== undefined && typeof options.record !== 'boolean') throw invalid('options.record must be a boolean');
  return { signal: signal || null, timeoutMs: options.timeoutMs, record: options.record === true };
}

module.exports = {
  LIMIT_KEYS, DEFAULTS, MAX_DEADLINE_MS, isU32, isPlainObject, validateConfig, validateContext, validateCallOptions,
};
