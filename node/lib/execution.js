// lib/execution.js - one execution as the Node layer drives it, from the
// first execute to its final result, across its suspensions: the calls to
// the addon, the extension calls answered by JavaScript handlers (suspend,
// run the handlers, resume, loop), and the lifecycle that makes every
// promise settle:
//  - the overall deadline (deadlineMs, extension waits included), kept by
//    the runtime's Deadlines (lib/deadlines.js); when it passes the caller's
//    promise resolves with a TIMEOUT error result and a suspended execution
//    is cancelled. expire() is the one place to change when the library
//    gets its own overall deadline;
//  - the caller's AbortSignal: the promise rejects with ABORTED;
//  - shutdown: the promise rejects with SHUT_DOWN unless a running call
//    finishes first with a result;
//  - a suspension handed to the caller (an extension without a JS handler)
//    waits at most suspensionTtlMs for resumeHandler.
// A late answer (a native call or an extension handler settling after the
// execution ended) is dropped, and a suspended execution it left behind is
// cancelled. Nothing waits on anything unbounded.
'use strict';

const { performance } = require('node:perf_hooks');
const { NexusError, aborted, shutDown } = require('./errors.js');
const values = require('./values.js');
const { combine, errorResult } = require('./combine.js');

function messageOf(e) {
  if (e instanceof Error) return e.message || e.name || 'extension call failed';
  try {
    return typeof e === 'string' ? e : String(e);
  } catch {
    return 'extension call failed';
  }
}

class Execution {
  // core: what the runtime lends its executions (see NexusRuntime#core)
  constructor(core, deadlineMs, record) {
    this.core = core;
    this.deadlineMs = deadlineMs;
    this.record = record;
    this.finished = false;
    this.segments = null;      // results since the caller last got one (made on the first suspension)
    this.caller = null;        // { resolve, reject, signal, onAbort }
    this.busy = false;         // a native call is in flight
    this.suspended = null;     // the last suspended result, while suspended
    this.answers = null;       // suspension id -> Promise<{ id, outcome }>
    this.manualIds = null;     // ids handed to the caller
    this.recording = null;     // the addon's recording object
    this.controller = null;    // aborts extension handlers when it ends
    this.holdsSlot = false;    // an admission slot (released when handed to the caller)
    this.deadlineAt = performance.now() + deadlineMs;
    core.deadlines.add(this);
    this.ttlTimer = null;
    this.callback = null;      // the addon's completion callback, made once
  }

  // A promise for the caller, bound to signal.
  attach(signal) {
    this.core.deadlines.awaited(1);
    return new Promise((resolve, reject) => {
      this.caller = { resolve, reject, signal, onAbort: null };
      if (signal) {
        this.caller.onAbort = () => this.end('reject', aborted(signal));
        signal.addEventListener('abort', this.caller.onAbort, { once: true });
      }
    });
  }

  detachCaller() {
    const c = this.caller;
    this.caller = null;
    if (c) this.core.deadlines.awaited(-1);
    if (c && c.signal) c.signal.removeEventListener('abort', c.onAbort);
    return c;
  }

  // Runs a native call, call(callback), and goes on from its result: the
  // addon calls back with (error) or (null, the result's length in the
  // shared buffer | a Buffer | [either, recording]).
  step(call) {
    this.busy = true;
    try {
      call(this.callback || (this.callback = (e, out) => (e ? this.onNativeError(e) : this.onNative(out))));
    } catch (e) {
      this.onNativeError(e);
    }
  }

  onNativeError(e) {
    this.busy = false;
    if (this.finished) return;
    this.end('reject', this.core.nativeError(e));
  }

  onNative(out) {
    this.busy = false;
    let r;
    try {
      if (Array.isArray(out)) {
        this.recording = out[1];
        out = out[0];
      }
      // read the shared buffer now: the next completion overwrites it
      r = typeof out === 'number' ? values.decode(this.core.shared, out) : values.decode(out);
    } catch (e) {
      if (!this.finished) this.end('reject', e);
      return;
    }
    if (this.finished) {
      if (r.status === 'suspended') this.core.cancel(r.pendingCalls[0].id);
      return;
    }
    if (r.status !== 'suspended') {
      if (this.segments) this.segments.push(r);
      this.end('resolve', this.segments ? combine(this.segments) : r);
      return;
    }
    this.suspended = r;
    (this.segments || (this.segments = [])).push(r);
    const served = r.pendingCalls.filter((c) => this.core.servedHere(c.extension));
    if (served.length === 0) {
      this.handToCaller(r);
      return;
    }
    if (!this.answers) this.answers = new Map();
    for (const call of served) {
      if (!this.answers.has(call.id)) {
        this.answers.set(call.id, this.callExtension(call).then((outcome) => ({ id: call.id, outcome })));
      }
    }
    Promise.race(served.map((c) => this.answers.get(c.id))).then(({ id, outcome }) => {
      if (this.finished) return;
      this.answers.delete(id);
      this.suspended = null;
      this.step((cb) => this.core.resume(id, outcome, cb));
    });
  }

  // Never rejects: an outcome for the addon's resume.
  async callExtension(call) {
    const handler = this.core.extensionHandler(call.extension);
    if (!this.controller) this.controller = new AbortController();
    let value;
    try {
      value = await handler(call.method, call.args,
        { id: call.id, extension: call.extension, signal: this.controller.signal });
    } catch (e) {
      return { isError: true, message: messageOf(e) };
    }
    try {
      // a copy: the encoder's buffer is reused before the resume runs
      return { isError: false, value: Buffer.from(values.encode(value, `${call.extension}.${call.method}() result`)) };
    } catch (e) {
      return { isError: true, message: `${call.extension}.${call.method} returned a value that cannot be serialised: ${e.message}` };
    }
  }

  // Only calls of extensions without a JS handler are pending: the caller
  // gets the suspended result and answers with resumeHandler.
  handToCaller(r) {
    const result = combine(this.segments);
    this.segments = [];
    this.manualIds = r.pendingCalls.map((c) => c.id);
    for (const id of this.manualIds) this.core.manual.set(id, this);
    this.ttlTimer = setTimeout(() => this.expireManual(), Math.min(0x7fffffff, this.core.suspensionTtlMs));
    this.ttlTimer.unref();
    this.releaseSlot();
    const c = this.detachCaller();
    if (this.recording) result.recording = null; // complete only at the end
    if (c) c.resolve(result);
  }

  // resumeHandler on one of the ids handed to the caller.
  resume(id, outcome, signal) {
    this.forgetManual();
    const promise = this.attach(signal);
    this.suspended = null;
    this.step((cb) => this.core.resume(id, outcome, cb));
    return promise;
  }

  forgetManual() {
    if (this.manualIds) for (const id of this.manualIds) this.core.manual.delete(id);
    this.manualIds = null;
    if (this.ttlTimer) clearTimeout(this.ttlTimer);
    this.ttlTimer = null;
  }

  releaseSlot() {
    if (this.holdsSlot) {
      this.holdsSlot = false;
      this.core.admission.release();
    }
  }

  // The deadline passed.
  expire() {
    if (this.finished) return;
    const suspensions = this.suspended ? this.suspended.metrics.suspensions : 0;
    const result = combine([...(this.segments || []), errorResult('TIMEOUT',
      `the execution passed its deadline of ${this.deadlineMs} ms (extension waits included)`, suspensions)]);
    if (this.manualIds) this.core.tombstone(this.manualIds, result);
    this.end('resolve', result);
  }

  // A suspension handed to the caller waited suspensionTtlMs.
  expireManual() {
    if (this.finished) return;
    this.core.tombstone(this.manualIds, null);
    this.end(null);
  }

  // Shutdown: a call running in the library may still finish with a result;
  // anything else ends now.
  shutDown() {
    if (this.finished || (this.busy && !this.suspended)) return;
    this.end('reject', shutDown('the runtime was shut down during this execution'));
  }

  // Ends the execution: settles the caller (how: 'resolve', 'reject' or null),
  // frees what it holds, cancels it in the library if it is suspended there.
  end(how, value) {
    if (this.finished) return;
    this.finished = true;
    this.core.deadlines.delete(this);
    this.forgetManual();
    this.releaseSlot();
    this.core.active.delete(this);
    if (this.controller) this.controller.abort(new NexusError('ABORTED', 'the execution ended'));
    if (this.suspended && !this.busy) this.core.cancel(this.suspended.pendingCalls[0].id);
    if (how === 'resolve' && this.recording && value.status !== 'suspended') {
      try {
        value.recording = this.core.saveRecording(this.recording);
      } catch (e) {
        how = 'reject';
        value = this.core.nativeError(e);
      }
    }
    this.recording = null;
    const c = this.detachCaller();
    if (c && how) c[how](value);
  }
}

module.exports = { Execution, messageOf };
