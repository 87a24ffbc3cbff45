// lib/admission.js - at most `limit` executions in progress at once
// (running, or suspended while their JS-served extension calls run);
// further ones wait here in order. A sandbox stays taken while its
// execution is suspended, so without this a burst of executions awaiting
// JS extensions would take every instance and leave threadpool threads
// blocked waiting for one (ending in RESOURCE_LIMIT) while the resumes that
// free them queue behind. A waiter leaves the queue when its signal aborts;
// close() rejects every waiter and every later acquire.
'use strict';

const { aborted } = require('./errors.js');

class Admission {
  #limit;
  #active = 0;
  #waiting = [];
  #closed = null;

  constructor(limit) {
    this.#limit = limit;
  }

  // undefined when admitted at once (callers skip the await), else a promise.
  acquire(signal) {
    if (this.#closed) return Promise.reject(this.#closed());
    if (this.#active < this.#limit) {
      this.#active++;
      return undefined;
    }
    return new Promise((resolve, reject) => {
      const waiter = { resolve, reject, signal, onAbort: null };
      if (signal) {
        waiter.onAbort = () => {
          const i = this.#waiting.indexOf(waiter);
          if (i >= 0) this.#waiting.splice(i, 1);
          reject(aborted(signal));
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.#waiting.push(waiter);
    });
  }

  release() {
    const next = this.#waiting.shift();
    if (next) {
      if (next.signal) next.signal.removeEventListener('abort', next.onAbort);
      next.resolve(); // the slot passes on
    } else {
      this.#active--;
    }
  }

  close(makeError) {
    this.#closed = makeError;
    for (const w of this.#waiting.splice(0)) {
      if (w.signal) w.signal.removeEventListener('abort', w.onAbort);
      w.reject(makeError()); // they never held a slot
    }
  }
}

module.exports = { Admission };
