// lib/combine.js - one result out of the segments of one execution (the
// first run and each resume the Node layer made on its own), as
// nx_result_combine does: mutations one per key in first-write order with
// the final value, events, view commands and logs in order, times and host
// calls summed; a failed end keeps only the logs, so an execution stays all
// or nothing. Also the result the Node layer makes itself when an
// execution's deadline passes.
'use strict';

function combine(segments) {
  if (segments.length === 1) return segments[0];
  const last = segments[segments.length - 1];
  const failed = last.status === 'error';
  const mutations = new Map();
  const events = [];
  const viewCommands = [];
  const logs = [];
  const metrics = { ...last.metrics, durationUs: 0, compileUs: 0, hostCalls: 0 };
  if (segments[0].metrics) metrics.cacheHit = segments[0].metrics.cacheHit;
  for (const s of segments) {
    if (!failed) {
      // Map#set keeps a key's first place and takes its last value
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
  return { ...last, stateMutations: [...mutations.values()], events, viewCommands, logs, metrics };
}

// The error result for an execution the Node layer ended (deadline), shaped
// like the library's.
function errorResult(code, message, suspensions) {
  return {
    status: 'error',
    returnValue: null,
    stateMutations: [],
    events: [],
    viewCommands: [],
    logs: [],
    suspension: null,
    pendingCalls: [],
    error: { code, message, stack: null, line: null, column: null, sourceLine: null },
    metrics: { durationUs: 0, compileUs: 0, cacheHit: false, memoryBytes: 0, hostCalls: 0, suspensions },
  };
}

module.exports = { combine, errorResult };
