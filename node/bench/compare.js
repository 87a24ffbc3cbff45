#!/usr/bin/env node
// bench/compare.js - per-execution latency of examples/counter.js (state
// {count:41}, args {step:1}, the three capabilities) through NexusRuntime
// and through quickjs-emscripten with a new context per execution (module
// and runtime reused), in the same process. Prints a table and one JSON
// line. The two are measured in alternating blocks in one run.
// Usage: node bench/compare.js [--iterations N] [--warmup N] [--concurrent N]
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const { NexusRuntime } = require('..');

const COUNTER = fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'counter.js'), 'utf8');
const STATE = { count: 41 };
const ARGS = { step: 1 };
const CAPS = ['state:read:count', 'state:write:count', 'events:emit:*'];

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} needs a positive integer`);
  return v;
}
const ITERATIONS = option('iterations', 5000);
const WARMUP = option('warmup', 500);
const CONCURRENT = option('concurrent', 2000);

function stats(samplesUs) {
  const s = Float64Array.from(samplesUs).sort();
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  return { n: s.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), mean, min: s[0], max: s[s.length - 1] };
}

function check(result) {
  if (result.returnValue !== 42 || result.stateMutations.length !== 1 ||
      result.stateMutations[0].value !== 42 || result.events.length !== 1) {
    throw new Error(`wrong result: ${JSON.stringify(result)}`);
  }
}

// Both are measured in alternating blocks, so that a change in the load of
// the machine during the run affects both alike.
const BLOCKS = 10;

async function timed(samples, n, run) {
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const r = await run();
    samples.push((performance.now() - t0) * 1000);
    check(r);
  }
}

// ---- Nexus ----------------------------------------------------------------------

async function setupNexus() {
  const rt = new NexusRuntime();
  const context = { state: STATE, args: ARGS, capabilities: CAPS };
  const run = async () => {
    const r = await rt.executeHandler(COUNTER, context);
    if (r.status !== 'success') throw new Error(JSON.stringify(r.error));
    return r;
  };
  const handle = await rt.precompileHandler(COUNTER);
  const runCompiled = () => rt.executeCompiledHandler(handle, context);
  for (let i = 0; i < WARMUP; i++) {
    check(await run());
    check(await runCompiled());
  }
  return { rt, run, runCompiled };
}

// throughput: CONCURRENT executions in one Promise.all
async function nexusThroughput(nexus) {
  const t0 = performance.now();
  const all = await Promise.all(Array.from({ length: CONCURRENT }, nexus.run));
  const elapsed = (performance.now() - t0) / 1000;
  all.forEach(check);
  return { perSec: CONCURRENT / elapsed, insideSandboxP50: stats(all.map((r) => r.metrics.durationUs)).p50 };
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

// ---- report ---------------------------------------------------------------------------

(async () => {
  const nexus = await setupNexus();
  const quickjs = await setupQuickJS();
  const samples = { nexus: [], compiled: [], quickjs: [] };
  const perBlock = Math.ceil(ITERATIONS / BLOCKS);
  for (let b = 0; b < BLOCKS; b++) {
    await timed(samples.nexus, perBlock, nexus.run);
    await timed(samples.compiled, perBlock, nexus.runCompiled);
    await timed(samples.quickjs, perBlock, quickjs.run);
  }
  const throughput = await nexusThroughput(nexus);
  await nexus.rt.shutdown();
  quickjs.runtime.dispose();
  const result = {
    nexus: { sequential: stats(samples.nexus), compiled: stats(samples.compiled) },
    quickjs: { sequential: stats(samples.quickjs) },
  };
  const { nexus: nx, quickjs: qj } = result;
  const ratio = qj.sequential.p50 / nx.sequential.p50;
  const fmt = (v) => v.toFixed(1).padStart(9);
  const row = (name, s) => `${name.padEnd(42)}${fmt(s.p50)}${fmt(s.p90)}${fmt(s.p99)}${fmt(s.mean)}`;
  console.log(`counter.js, ${ITERATIONS} sequential executions each (after ${WARMUP} warm-up, ` +
              `${BLOCKS} alternating blocks), latency in microseconds`);
  console.log(`${''.padEnd(42)}${'p50'.padStart(9)}${'p90'.padStart(9)}${'p99'.padStart(9)}${'mean'.padStart(9)}`);
  console.log(row('Nexus executeHandler (await each)', nx.sequential));
  console.log(row('Nexus executeCompiledHandler (await each)', nx.compiled));
  console.log(row('quickjs-emscripten, new context each', qj.sequential));
  console.log(`ratio quickjs-emscripten p50 / Nexus p50: ${ratio.toFixed(2)}x (goal >= 5x)`);
  console.log(`Nexus throughput, ${CONCURRENT} concurrent executeHandler: ${Math.round(throughput.perSec)} executions/s ` +
              `(p50 inside the sandbox ${throughput.insideSandboxP50} us, UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE || 4})`);
  const round = (s) => ({ p50: +s.p50.toFixed(1), p99: +s.p99.toFixed(1), mean: +s.mean.toFixed(1) });
  console.log(JSON.stringify({
    bench: 'counter', iterations: ITERATIONS, node: process.version,
    cpus: os.availableParallelism ? os.availableParallelism() : os.cpus().length,
    loadavg1: +os.loadavg()[0].toFixed(2),
    nexus: round(nx.sequential), nexusCompiled: round(nx.compiled),
    quickjsEmscripten: round(qj.sequential),
    ratioP50: +ratio.toFixed(2),
    nexusThroughputPerSec: Math.round(throughput.perSec),
  }));
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
