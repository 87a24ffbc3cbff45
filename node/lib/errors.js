// lib/errors.js - NexusError: an Error with a code. The library's codes
// (nx_code_name) plus the two the Node layer adds: ABORTED (the caller's
// AbortSignal fired) and SHUT_DOWN (the runtime was shut down before or
// while the call ran).
'use strict';

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

const invalid = (message) => new NexusError('INVALID_ARGUMENT', message);
const shutDown = (what = 'the runtime is shut down') => new NexusError('SHUT_DOWN', what);

function aborted(signal) {
  const reason = signal && signal.reason;
  const e = new NexusError('ABORTED', `the call was aborted${reason instanceof Error && reason.message ? `: ${reason.message}` : ''}`);
  if (reason !== undefined) e.cause = reason;
  return e;
}

module.exports = { NexusError, attachResult, invalid, shutDown, aborted };
