#!/usr/bin/env node
// bench/compare.js - what the Node layer costs, measured in one process and
// one run against the C API itself and against quickjs-emscripten:
//  - counter handler (examples/counter.js, state {count:41}, args {step:1},
//    three capabilities): executeHandler, executeCompiledHandler, the C
//    API's nx_execute in a C loop in this process (the addon's bench entry
//    point), and quickjs-emscripten with a new context per execution;
//  - the cost of one awaited extension call served by a JavaScript handler
//    (the same handler with and without `await $ext.kv.get()`);
//  - 2,000 concurrent executeHandler calls against the C API on two threads
//    of its own (executions per second).
// Latencies are measured in alternating blocks so that the machine's load
// affects every column alike. Prints a table (goal beside figure) and one
// JSON line. Usage: node bench/compare.js [--iterations N] [--warmup N]
// [--concurrent N] [--runs N] (runs: whole measurements, medians reported)
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const { NexusRuntime } = require('..');
const values = require('../lib/values.js');

const COUNTER = fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'counter.js'), 'utf8');
const STATE = { count: 41 };
const ARGS = { step: 1 };
const CAPS = ['state:read:count', 'state:write:count', 'events:emit:*'];
const EXT_SOURCE = `const kv = await $ext.kv.get('k');\n${COUNTER}`;

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} needs a positive integer`);
  return v;
}
const ITERATIONS = option('iterations', 4000);
const WARMUP = option('warmup', 500);
const CONCURRENT = option('concurrent', 2000);
const RUNS = option('runs', 3);
const BLOCKS = 10;

function stats(samplesUs) {
  const s = Float64Array.from(samplesUs).sort();
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  return { n: s.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), mean };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function check(result) {
  if (result.returnValue !== 42 || result.stateMutations.length !== 1 ||
      result.stateMutations[0].value !== 42 || result.events.length !== 1) {
    throw new Error(`wrong result: ${JSON.stringify(result)}`);
  }
}

async function timed(samples, n, run) {
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const r = await run();
    samples.push((performance.now() - t0) * 1000);
    if (r) check(r);
  }
}

// ---- Nexus ----------------------------------------------------------------------

async function setupNexus() {
  const rt = new NexusRuntime();
  rt.registerExtension('kv', ['get'], () => 0);
  const context = { state: STATE, args: ARGS, capabilities: CAPS };
  const extContext = { state: STATE, args: ARGS, capabilities: [...CAPS, 'ext:kv'] };
  const handle = await rt.precompileHandler(COUNTER);
  const bench = NexusRuntime._bench;
  const cArgs = [bench.runtimeOf(rt), COUNTER, Buffer.from(values.encode(STATE, 'state')),
    Buffer.from(values.encode(ARGS, 'args')), CAPS];
  const nexus = {
    rt,
    run: () => rt.executeHandler(COUNTER, context),
    runCompiled: () => rt.executeCompiledHandler(handle, context),
    runExt: () => rt.executeHandler(EXT_SOURCE, extContext),
    // the C API, n executions in a C loop on this thread
    cLatency: (n) => bench.latency(...cArgs, n),
    cThroughput: (threads, ms) => bench.throughput(...cArgs, threads, ms),
  };
  for (let i = 0; i < WARMUP; i++) {
    check(await nexus.run());
    check(await nexus.runCompiled());
    check(await nexus.runExt());
  }
  nexus.cLatency(WARMUP);
  return nexus;
}

// ---- quickjs-emscripten ---------------------------------------------------------

// The host side of $state/$args/$emit, evaluated in each new context: the
// counter body runs in a function, its writes and events are recorded and
// returned as JSON, like Nexus's result.
const PRELUDE = `
globalThis.__run = function (stateJson, argsJson) {
  const state = JSON.parse(stateJson);
  const $args = JSON.parse(argsJson);
  const mutations = new Map();
  const events = [];
  const $state = new Proxy(state, {
    set(target, key, value) { target[key] = value; mutations.set(key, value); return true; },
  });
  const $emit = (name, payload) => { events.push({ name, payload }); };
  const returnValue = (function ($state, $args, $emit) {
${COUNTER}
  })($state, $args, $emit);
  return JSON.stringify({
    returnValue,
    stateMutations: [...mutations].map(([key, value]) => ({ key, op: 'set', value })),
    events,
  });
};`;

async function setupQuickJS() {
  const { getQuickJS } = require('quickjs-emscripten');
  const QuickJS = await getQuickJS();
  const runtime = QuickJS.newRuntime(); // reused; a new context per execution
  runtime.setMemoryLimit(64 * 1024 * 1024);
  const call = `__run(${JSON.stringify(JSON.stringify(STATE))}, ${JSON.stringify(JSON.stringify(ARGS))})`;
  const run = () => {
    const ctx = runtime.newContext();
    try {
      ctx.unwrapResult(ctx.evalCode(PRELUDE)).dispose();
      const handle = ctx.unwrapResult(ctx.evalCode(call));
      const json = ctx.getString(handle);
      handle.dispose();
      return JSON.parse(json);
    } finally {
      ctx.dispose();
    }
  };
  for (let i = 0; i < WARMUP; i++) check(run());
  return { runtime, run };
}

// ---- one run ----------------------------------------------------------------------------

async function measure(nexus, quickjs) {
  const s = { nexus: [], compiled: [], ext: [], c: [], quickjs: [] };
  const perBlock = Math.ceil(ITERATIONS / BLOCKS);
  for (let b = 0; b < BLOCKS; b++) {
    await timed(s.nexus, perBlock, nexus.run);
    await timed(s.compiled, perBlock, nexus.runCompiled);
    await timed(s.ext, perBlock, nexus.runExt);
    s.c.push(...nexus.cLatency(perBlock));
    await timed(s.quickjs, perBlock, async () => quickjs.run());
  }
  // throughput: the C API on two threads, then CONCURRENT executeHandler, twice alternated
  const cPerSec = [];
  const nodePerSec = [];
  for (let k = 0; k < 2; k++) {
    cPerSec.push(nexus.cThroughput(2, 300));
    const t0 = performance.now();
    const all = await Promise.all(Array.from({ length: CONCURRENT }, nexus.run));
    nodePerSec.push(CONCURRENT / ((performance.now() - t0) / 1000));
    all.forEach(check);
  }
  const st = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, stats(v)]));
  return {
    nexusP50: st.nexus.p50,
    nexusP99: st.nexus.p99,
    compiledP50: st.compiled.p50,
    cP50: st.c.p50,
    quickjsP50: st.quickjs.p50,
    extP50: st.ext.p50,
    overC: st.nexus.p50 / st.c.p50,
    vsQuickjs: st.quickjs.p50 / st.nexus.p50,
    extAddsUs: st.ext.p50 - st.nexus.p50,
    nodePerSec: median(nodePerSec),
    cTwoThreadsPerSec: median(cPerSec),
    throughputShare: median(nodePerSec) / median(cPerSec),
  };
}

(async () => {
  const nexus = await setupNexus();
  const quickjs = await setupQuickJS();
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await measure(nexus, quickjs));
  await nexus.rt.shutdown();
  quickjs.runtime.dispose();
  const m = Object.fromEntries(Object.keys(runs[0]).map((k) => [k, median(runs.map((r) => r[k]))]));
  const range = (k, d = 1) => `${Math.min(...runs.map((r) => r[k])).toFixed(d)}-${Math.max(...runs.map((r) => r[k])).toFixed(d)}`;
  const us = (v) => `${v.toFixed(1)} µs`;
  const verdict = (ok) => (ok ? 'met' : 'NOT MET');
  console.log(`counter.js: ${RUNS} runs of ${ITERATIONS} sequential executions per column (after ${WARMUP} warm-up, ` +
              `${BLOCKS} alternating blocks); medians of the runs, range in brackets`);
  const rows = [
    ['C API nx_execute p50 (C loop, this process)', us(m.cP50), range('cP50'), ''],
    ['executeHandler p50', us(m.nexusP50), range('nexusP50'), ''],
    ['executeHandler p99', us(m.nexusP99), range('nexusP99'), ''],
    ['executeCompiledHandler p50', us(m.compiledP50), range('compiledP50'), ''],
    ['quickjs-emscripten, new context each, p50', us(m.quickjsP50), range('quickjsP50'), ''],
    ['executeHandler p50 / C API p50', `${m.overC.toFixed(2)}x`, range('overC', 2), `<= 2x: ${verdict(m.overC <= 2)}`],
    ['quickjs-emscripten p50 / executeHandler p50', `${m.vsQuickjs.toFixed(1)}x`, range('vsQuickjs'), `>= 10x: ${verdict(m.vsQuickjs >= 10)}`],
    ['one awaited JS extension call adds (p50)', us(m.extAddsUs), range('extAddsUs'), `<= 40 µs: ${verdict(m.extAddsUs <= 40)}`],
    [`${CONCURRENT} concurrent executeHandler`, `${Math.round(m.nodePerSec)}/s`, range('nodePerSec', 0), ''],
    ['C API, two threads', `${Math.round(m.cTwoThreadsPerSec)}/s`, range('cTwoThreadsPerSec', 0), ''],
    ['concurrent Node / C API two threads', `${(100 * m.throughputShare).toFixed(0)}%`, range('throughputShare', 2),
      `>= 50%: ${verdict(m.throughputShare >= 0.5)}`],
  ];
  for (const [name, value, r, goal] of rows) {
    console.log(`${name.padEnd(46)}${value.padStart(12)}  [${r}]  ${goal}`);
  }
  console.log(JSON.stringify({
    bench: 'node-counter', runs: RUNS, iterations: ITERATIONS, node: process.version,
    cpus: os.availableParallelism ? os.availableParallelism() : os.cpus().length,
    loadavg1: +os.loadavg()[0].toFixed(2),
    medians: Object.fromEntries(Object.entries(m).map(([k, v]) => [k, +v.toFixed(3)])),
  }));
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
