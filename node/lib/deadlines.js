// lib/deadlines.js - the overall deadlines of a runtime's executions, kept
// by one timer instead of one per execution: executions register their
// deadline, the timer is armed for the earliest one and, when it fires,
// expires whatever is due and re-arms for the next. Most executions end
// long before their deadline and cost a Set insertion and deletion (a timer
// per execution cost its allocation, its list insertion and its removal,
// and the garbage collector's time with thousands in flight).
// The timer keeps the process alive only while someone awaits an execution
// (a suspension handed to the caller does not).
'use strict';

const { performance } = require('node:perf_hooks');

class Deadlines {
  #entries = new Set(); // executions with a deadline (deadlineAt, expire())
  #timer = null;
  #at = Infinity;       // when the timer fires
  #awaited = 0;         // executions whose caller awaits a promise

  add(exec) {
    this.#entries.add(exec);
    if (exec.deadlineAt < this.#at) this.#arm(exec.deadlineAt);
  }

  delete(exec) {
    this.#entries.delete(exec);
  }

  // A caller started (+1) or stopped (-1) awaiting an execution.
  awaited(delta) {
    const before = this.#awaited;
    this.#awaited += delta;
    if (!this.#timer) return;
    if (before === 0 && this.#awaited > 0) this.#timer.ref();
    else if (before > 0 && this.#awaited === 0) this.#timer.unref();
  }

  #arm(at) {
    if (this.#timer) clearTimeout(this.#timer);
    this.#at = at;
    // setTimeout takes at most 2^31-1 ms (beyond, Node fires after 1 ms)
    const delay = Math.min(0x7fffffff, Math.max(1, Math.ceil(at - performance.now())));
    this.#timer = setTimeout(() => this.#fire(), delay);
    if (this.#awaited === 0) this.#timer.unref();
  }

  #fire() {
    this.#timer = null;
    this.#at = Infinity;
    const now = performance.now();
    let next = Infinity;
    for (const exec of [...this.#entries]) {
      if (exec.deadlineAt <= now) exec.expire(); // ends it: it leaves the set
      else if (exec.deadlineAt < next) next = exec.deadlineAt;
    }
    if (next < Infinity) this.#arm(next);
  }
}

module.exports = { Deadlines };
