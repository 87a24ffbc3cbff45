// lib/admission.js - at most `limit` executions in progress at once
// (running, or suspended while their JS-served extension calls run);
// further ones wait here in order. A sandbox stays taken while its
// execution is suspended, so without this a burst of executions awaiting
// JS extensions would take every instance and leave executor threads
// blocked waiting for one (ending in RESOURCE_LIMIT) while the resumes that
// free them queue behind. A waiter leaves the queue when its signal aborts;
// close() rejects every waiter and every later enter.
//
// Waiters are callbacks, not promises: in a burst most executions wait
// here, and a promise, its reaction and a microtask each were a visible
// part of what the JavaScript thread spends per execution.
'use strict';

const { aborted } = require('./errors.js');

class Admission {
  #limit;
  #active = 0;
  #waiting = [];  // waiters in order; those before #head are done
  #head = 0;
  #closed = null;

  constructor(limit) {
    this.#limit = limit;
  }

  // Calls admitted() now or when a slot frees: it returns true when it took
  // the slot, false when it no longer wants one (its execution ended while
  // it waited), and the slot goes to the next. rejected(error) instead if
  // signal aborts first or the admission is closed.
  enter(admitted, rejected, signal) {
    if (this.#closed) {
      rejected(this.#closed());
      return;
    }
    if (this.#active < this.#limit) {
      this.#active++;
      if (!admitted()) this.release();
      return;
    }
    const waiter = { admitted, rejected, signal, onAbort: null, gone: false };
    if (signal) {
      waiter.onAbort = () => {
        waiter.gone = true;
        rejected(aborted(signal));
      };
      signal.addEventListener('abort', waiter.onAbort, { once: true });
    }
    this.#waiting.push(waiter);
  }

  #next() {
    while (this.#head < this.#waiting.length) {
      const w = this.#waiting[this.#head];
      this.#waiting[this.#head++] = undefined;
      if (this.#head > 1024 && this.#head * 2 > this.#waiting.length) {
        this.#waiting = this.#waiting.slice(this.#head);
        this.#head = 0;
      }
      if (w.gone) continue;
      if (w.signal) w.signal.removeEventListener('abort', w.onAbort);
      return w;
    }
    return null;
  }

  release() {
    for (let w = this.#next(); w; w = this.#next()) {
      if (w.admitted()) return; // the slot passes on
    }
    this.#active--;
  }

  close(makeError) {
    this.#closed = makeError;
    for (let w = this.#next(); w; w = this.#next()) w.rejected(makeError()); // they never held a slot
  }
}

module.exports = { Admission };
