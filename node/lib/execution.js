// lib/execution.js - one execution as the Node layer drives it, from the
// first execute (or the resume or import that brought it to this runtime)
// to its final result, across its suspensions: the calls to the addon, the
// extension calls answered by JavaScript handlers (suspend, run the
// handlers, resume, loop), and the lifecycle that makes every promise
// settle:
//  - the overall deadline (deadlineMs, extension waits included), kept by
//    the runtime's Deadlines (lib/deadlines.js); when it passes the caller's
//    promise resolves with a TIMEOUT error result and a suspended execution
//    is cancelled. The library bounds the same deadline inside the sandbox
//    and wherever the execution waits (the store included);
//  - the caller's AbortSignal: the promise rejects with ABORTED;
//  - shutdown: the promise rejects with SHUT_DOWN unless a running call
//    finishes first with a result;
//  - a suspension handed to the caller (an extension without a JS handler)
//    waits at most suspensionTtlMs for resumeHandler: here, or in the
//    runtime's store, whose TTL it is; an execution handed on through the
//    store no longer belongs to this process (any runtime attached to the
//    store resumes it).
// A late answer (a native call or an extension handler settling after the
// execution ended) is dropped, and a suspended execution it left behind is
// cancelled. Nothing waits on anything unbounded.
//
// Results: the segments of an execution are folded by the library
// (nx_result_append, on the addon's side: see src/whole.c), never here. The
// final result covers the whole execution; a suspended result handed to the
// caller covers what happened since the previous one, or, with a store,
// the whole execution so far (as any process resuming it reports it).
'use strict';

const { performance } = require('node:perf_hooks');
const { NexusError, attachResult, aborted, shutDown } = require('./errors.js');
const values = require('./values.js');

// A resume's part in admission (src/slots.c): it starts the execution here,
// or the execution holds a slot already.
const SLOT_NEEDED = 1;
const SLOT_HELD = 2;

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
  constructor(core, deadlineMs) {
    this.core = core;
    this.deadlineMs = deadlineMs;
    this.finished = false;
    this.whole = null;         // the addon's whole result so far (made on the first suspension)
    this.suspensions = 0;      // the count the last suspended result gave
    this.caller = null;        // { resolve, reject, signal, onAbort }
    this.busy = false;         // a native call is in flight
    this.suspended = null;     // the last suspended result, while suspended
    this.handed = null;        // the last suspended result handed to the caller
    this.answers = null;       // suspension id -> Promise<{ id, outcome }>
    this.served = null;        // the JS-served call being answered { call, outcome }
    this.manualIds = null;     // ids handed to the caller, waiting in this process
    this.here = true;          // it waits in this process, not in the runtime's store
    this.fromStore = false;    // the resume in flight takes it from the store
    this.resumingId = null;    // the id the last resume answered
    this.importing = false;    // the call in flight is an import: the execution will wait here
    this.recording = null;     // the addon's recording object
    this.controller = null;    // aborts extension handlers when it ends
    this.holdsSlot = false;    // one of the runtime's slots (src/slots.c), while suspended here
    this.fresh = false;        // its next native call starts it in this runtime (takes a slot)
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
  // shared buffer | a Buffer, extra: { recording, whole, storeError }).
  step(call) {
    this.busy = true;
    try {
      call(this.callback || (this.callback = (e, out, extra) => (e ? this.onNativeError(e) : this.onNative(out, extra))));
    } catch (e) {
      this.onNativeError(e);
    }
  }

  // A resume of suspension id with outcome (from a JS handler or the
  // caller), where the execution waits: here, or in the store (then taken
  // from it with its whole so far).
  resumeStep(id, outcome) {
    this.suspended = null;
    const fromStore = this.core.store && !this.here;
    this.fromStore = fromStore;
    // the slot goes with the call, and comes back if it suspends again
    const slot = this.fresh ? SLOT_NEEDED : this.holdsSlot ? SLOT_HELD : 0;
    this.fresh = false;
    this.holdsSlot = false;
    this.resumingId = id;
    this.step((cb) => this.core.resume(id, outcome, cb, this.whole, fromStore, slot));
  }

  onNativeError(e) {
    this.busy = false;
    this.importing = false;
    if (this.finished) {
      // a refused answer leaves the execution waiting: nobody will answer it now
      if (e && e.code === 'RESOURCE_LIMIT' && this.resumingId) this.core.cancel(this.resumingId, Boolean(e.slot));
      return;
    }
    if (e && e.whole) {
      this.whole = e.whole; // taken from the store, then its answer refused: it waits here
      this.here = true;
    }
    if (e && e.recording) this.recording = e.recording;
    this.holdsSlot = Boolean(e && e.slot); // a refused answer: it still waits
    const error = this.core.nativeError(e);
    if (error.code === 'RESOURCE_LIMIT' && this.refused(error)) return;
    if (error.code === 'TIMEOUT') {
      // it waited for a slot past its deadline (src/work.c), a moment
      // before the deadline's own timer here
      this.expire();
      return;
    }
    if (error.code === 'INVALID_ARGUMENT' && this.served && this.fromStore) {
      // the store's TTL passed while a JS handler ran: the execution is gone
      this.timeOut(`the execution expired in the store (suspensionTtlMs ${this.core.suspensionTtlMs} ms) ` +
        `while ${this.served.call.extension}.${this.served.call.method} ran`);
      return;
    }
    if (error.code === 'STORE_UNAVAILABLE' && this.whole) {
      // the execution stays in the store: what it waits on, to resume later
      try {
        attachResult(error, values.decodeResult(this.core.wholeResult(this.whole)));
      } catch { /* the code and message say enough */ }
    }
    this.end('reject', error);
  }

  // The library refused an answer (over the execution's maxValueBytes) and
  // the execution still waits, here. A JS handler's answer becomes an error
  // its await throws; a caller's resume rejects and the suspension is
  // handed back, to be answered again. False when neither applies.
  refused(error) {
    if (this.served) {
      const { call } = this.served;
      this.served = null;
      this.resumeStep(call.id, { isError: true, message: `${call.extension}.${call.method} returned ${error.message}` });
      return true;
    }
    let handed = this.handed;
    if (!handed && this.whole) {
      try {
        handed = values.decodeResult(this.core.wholeResult(this.whole));
      } catch {
        return false;
      }
    }
    if (!handed || handed.status !== 'suspended') return false;
    this.suspended = handed;
    this.here = true;
    this.waitHere(handed);
    const c = this.detachCaller();
    if (c) c.reject(error);
    return true;
  }

  onNative(out, extra) {
    this.busy = false;
    this.served = null;
    const imported = this.importing;
    this.importing = false;
    let storeError = null;
    let slot = false; // the execution holds a slot now (src/slots.c)
    if (extra) {
      if (extra.recording) this.recording = extra.recording;
      if (extra.whole) this.whole = extra.whole;
      if (extra.storeError) storeError = extra.storeError;
      slot = extra.slot === true;
    }
    let r;
    try {
      // read the shared buffer now: the next completion overwrites it
      r = typeof out === 'number' ? values.decodeResult(this.core.shared, out) : values.decodeResult(out);
    } catch (e) {
      if (!this.finished) this.end('reject', e);
      return;
    }
    if (this.finished) {
      if (r.status === 'suspended') this.core.cancel(r.pendingCalls[0].id, slot);
      return;
    }
    if (r.status !== 'suspended') {
      this.end('resolve', r); // the whole execution (the addon folded it)
      return;
    }
    this.suspended = r;
    this.holdsSlot = slot;
    this.suspensions = r.metrics.suspensions;
    // with a store the library put it there, unless it could not
    this.here = !this.core.store || imported || storeError !== null;
    const served = r.pendingCalls.filter((c) => this.core.servedHere(c.extension));
    if (served.length === 0) {
      this.handToCaller(r, storeError);
      return;
    }
    if (!this.answers) this.answers = new Map();
    for (const call of served) {
      if (!this.answers.has(call.id)) {
        this.answers.set(call.id, this.callExtension(call).then((outcome) => ({ call, outcome })));
      }
    }
    Promise.race(served.map((c) => this.answers.get(c.id))).then(({ call, outcome }) => {
      if (this.finished) return;
      this.answers.delete(call.id);
      this.served = { call };
      this.resumeStep(call.id, outcome);
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
  // gets the suspended result and answers with resumeHandler. An execution
  // in the store is no longer this process's; one that waits here (no
  // store, an import, or the store could not take it: storeError) waits
  // at most suspensionTtlMs.
  handToCaller(r, storeError) {
    this.served = null;
    let result = r;
    if (this.whole) {
      try {
        result = values.decodeResult(this.core.wholeResult(this.whole));
      } catch (e) {
        this.end('reject', e);
        return;
      }
    }
    // without a store each result carries what came since the previous one
    if (!this.core.store) this.whole = null;
    if (this.recording) result.recording = null; // complete only at the end
    if (!this.here) {
      this.suspended = null; // nothing to cancel: it is the store's now
      this.end('resolve', result);
      return;
    }
    this.handed = r;
    this.waitHere(r);
    const c = this.detachCaller();
    if (!c) return;
    if (storeError) {
      c.reject(new NexusError('STORE_UNAVAILABLE', `the suspended execution could not be put in the store (${storeError}); ` +
        `it waits in this process only, for suspensionTtlMs: resume its pendingCalls on this runtime`, result));
    } else {
      c.resolve(result);
    }
  }

  // The execution waits in this process on r's pending calls, for the
  // caller's resumeHandler, at most suspensionTtlMs.
  waitHere(r) {
    this.forgetManual();
    this.manualIds = r.pendingCalls.map((c) => c.id);
    for (const id of this.manualIds) this.core.manual.set(id, this);
    this.ttlTimer = setTimeout(() => this.expireManual(), Math.min(0x7fffffff, this.core.suspensionTtlMs));
    this.ttlTimer.unref();
    this.releaseSlot();
  }

  // resumeHandler on one of the ids handed to the caller.
  resume(id, outcome, signal) {
    this.forgetManual();
    const promise = this.attach(signal);
    this.resumeStep(id, outcome);
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
      this.core.releaseSlot();
    }
  }

  // The deadline passed.
  expire() {
    if (this.finished) return;
    this.timeOut(`the execution passed its deadline of ${this.deadlineMs} ms (extension waits included)`);
  }

  // Ends with a TIMEOUT result, folded onto the whole so far by the
  // library's rule (only the logs are kept).
  timeOut(message) {
    let result;
    try {
      result = values.decodeResult(this.core.wholeFail(this.whole, 'TIMEOUT', message, this.suspensions));
    } catch (e) {
      this.end('reject', this.core.nativeError(e));
      return;
    }
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
    this.core.active.delete(this);
    if (this.controller) this.controller.abort(new NexusError('ABORTED', 'the execution ended'));
    if (this.suspended && !this.busy) {
      // its slot comes back once the cancel freed its sandbox
      this.core.cancel(this.suspended.pendingCalls[0].id, this.holdsSlot);
      this.holdsSlot = false;
    }
    this.releaseSlot();
    if (how === 'resolve' && this.recording && value.status !== 'suspended') {
      try {
        value.recording = this.core.saveRecording(this.recording);
      } catch (e) {
        how = 'reject';
        value = this.core.nativeError(e);
      }
    }
    this.recording = null;
    this.whole = null;
    const c = this.detachCaller();
    if (c && how) c[how](value);
  }
}

module.exports = { Execution, messageOf };
