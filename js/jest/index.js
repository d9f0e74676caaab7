'use strict';
// bgsim/jest: runs an app's real background-task code (expo-background-task + expo-task-manager,
// their JS unchanged) under a bgsim scenario's simulated time, from Jest or Vitest.
//
//   const bgsim = require('bgsim/jest');
//   const sim = await bgsim.load('scenarios/news-android.yaml', { entry: require.resolve('../src/backgroundSync') });
//   require('../src/backgroundSync');
//   await sim.advance('7d');
//   expect(sim.runs('news-sync').perDay).toBeGreaterThan(20);
//
// The scenario models the device, the user and the OS; the APP registers its tasks. Its
// BackgroundTask.registerTaskAsync / unregisterTaskAsync (and expo-task-manager's unregistration
// of a task that is not defined) reach bgsim's core at the simulated time they are made: at top
// level before the first advance() (t = 0), inside an executor, in the entry module required again
// at a new process, or in the test between two advance() calls (the simulation pauses exactly at
// the time advanced to). The scenario's app.tasks name the tasks the app may register and model
// their work (duration, failure, network); their register_at/unregister_at are not used. So an
// app that registers at top level what the scenario lists with register_at: 0s runs exactly as
// `bgsim run FILE --trace` does.
//
// How: bgsim's runner (compiled to wasm with ASYNCIFY, tools/wasm/bgsim_harness.c) runs the
// scenario as `bgsim run FILE --trace` does. At each task run it suspends and calls
// onTask below, which emits expo-task-manager's 'TaskManager.executeTask' event from the native
// module it serves (./native.js; the real expo-modules-core's requireNativeModule('ExpoTaskManager')
// finds it at globalThis.expo.modules, where load() puts it); the real
// TaskManager JS runs the app's executor and answers with notifyTaskFinishedAsync, whose result
// goes back to bgsim's core as expo's native side reads it. The executor's wall time does not
// matter: the task lasts its modeled duration (or the one `duration` gives).
const fs = require('fs');
const os = require('os');
const path = require('path');
const { load: loadWasm } = require('../lib/wasm');
const { makeNativeModules } = require('./native');

const UNITS = { ms: 1, s: 1000, m: 60000, h: 3600000, d: 86400000, w: 604800000 };

/** '7d', '90m', '1h30m', '45s', '250ms' or a number of ms -> ms. */
function ms(d) {
  if (typeof d === 'number') return d;
  const re = /(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)/gy;
  let total = 0;
  let m;
  let at = 0;
  const s = String(d).trim();
  while ((m = re.exec(s)) !== null) {
    total += Number(m[1]) * UNITS[m[2]];
    at = re.lastIndex;
  }
  if (at === 0 || at !== s.length) throw new TypeError(`bgsim: '${d}' is not a duration (e.g. 7d, 90m, 1h30m, 45s)`);
  return total;
}

const hours = (n) => n * UNITS.h;
/** Lets the promise chains already started run on (expo's async functions await a few native
 * calls before the one that registers): one macrotask turn of the real event loop, twice. */
const settle = () => new Promise((resolve) => setImmediate(resolve)).then(() => new Promise((resolve) => setImmediate(resolve)));
const minutes = (n) => n * UNITS.m;

/** The test framework's module registry and clock: Jest's `jest`, Vitest's `vi`, or none. */
function framework() {
  /* global jest, vi */
  if (typeof jest !== 'undefined') return jest;
  if (typeof vi !== 'undefined') return vi;
  if (globalThis.vi) return globalThis.vi;
  return null;
}

class Sim {
  constructor(file, opts) {
    this.file = path.resolve(file);
    this.opts = opts;
    this.fw = opts.framework || framework();
    this.entry = opts.entry || null;
    this.target = 0; // simulated ms the test has advanced to
    this.now = 0;
    this.ended = false;
    this.started = null; // { startEpochMs, durationMs, platform }
    this.taskRuns = []; // { task, start, durationMs, result, modeledResult, error }
    this.log = []; // console output and harness notes during executions, in order
    this.problems = []; // the harness's own findings (e.g. a minimumInterval that differs from the scenario)
    this.processStarts = 1; // the process the test itself loaded the app in
    this.jsRuntimes = 1;
    this.native = makeNativeModules(this);
    this.gate = null;
    this.ops = []; // the app's registrations and unregistrations not yet handed to the core
    this.registrations = []; // every one handed over: { t, kind: 'register'|'unregister', name, minimumInterval, rc }
    this.applying = null;
  }

  // ---- what the native modules call (./native.js) ----
  platform() {
    return this.started ? this.started.platform : this.opts.platform || 'android';
  }

  /** A registration (kind 1) or unregistration (2) reached a native module: queued for the core,
   * which takes it when the wasm side regains control (nextOp/opDone, tools/wasm/bgsim_harness.c). */
  queueOp(op) {
    this.ops.push({ ...op, t: this.now });
  }

  nextOp() {
    this.applying = this.ops.shift() || null;
    return this.applying;
  }

  /** The runner's answer (a run_status: 0 ok, -2 RUN_ERR_INVALID: no such task in the scenario). */
  opDone(rc) {
    const op = this.applying;
    this.applying = null;
    if (!op) return;
    this.registrations.push({ t: this.now, kind: op.kind === 1 ? 'register' : 'unregister', name: op.name,
                              minimumInterval: op.minimumInterval, rc });
    if (rc !== 0) {
      this.native.registry.delete(op.name);
      this.problems.push(`the app ${op.kind === 1 ? 'registered' : 'unregistered'} task '${op.name}', which ` +
        `${this.file} does not list: add it to app.tasks (its work: duration, failure, network)`);
    }
  }

  // ---- driving ----
  /** Runs the simulation `d` further (a duration: '7d', '12h', ms); resolves when every task run
   * up to then has been executed and awaited. */
  async advance(d) {
    this.target += ms(d);
    if (!this.running) this.running = this.start();
    if (this.gate) {
      const g = this.gate;
      this.gate = null;
      g.release();
    }
    await new Promise((resolve, reject) => {
      this.reached = resolve;
      this.running.then(resolve, reject);
    });
    if (this.failure) throw this.failure;
    this.now = Math.min(this.target, this.started ? this.started.durationMs : this.target);
    return this;
  }

  /** The wasm module (one per Sim): instantiated by load(), which reads the scenario's platform
   * and start with it before the app is required. */
  async module() {
    if (this.mod) return this.mod;
    const { factory, wasmBinary } = loadWasm('bgsim-harness');
    const mod = await factory({ wasmBinary });
    mod.onStarted = (startEpochMs, durationMs, platform) => {
      this.started = { startEpochMs, durationMs, platform };
    };
    this.mod = mod;
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bgsim-jest-'));
    return mod;
  }

  async probe() {
    const mod = await this.module();
    const errPath = path.join(this.dir, 'errors.txt');
    if (mod.ccall('bgsim_harness_probe', 'number', ['string', 'string'], [this.file, errPath]) !== 0) {
      const why = fs.existsSync(errPath) ? fs.readFileSync(errPath, 'utf8').trim() : 'cannot load';
      throw new Error(`bgsim: ${this.file}: ${why}`);
    }
  }

  async start() {
    const mod = await this.module();
    mod.onTask = (call) => this.onTask(call);
    mod.onApp = (point, nowMs, processStarts) => this.onApp(point, nowMs, processStarts);
    mod.nextOp = () => this.nextOp();
    mod.opDone = (rc) => this.opDone(rc);
    this.tracePath = path.join(this.dir, 'trace.jsonl');
    const errPath = path.join(this.dir, 'errors.txt');
    const seed = this.opts.seed === undefined ? -1 : this.opts.seed;
    const duration = this.opts.duration === undefined ? -1 : ms(this.opts.duration);
    await settle(); // the app's top-level registerTaskAsync calls reach the native module first
    const rc = await mod.ccall('bgsim_harness_run', 'number', ['string', 'number', 'number', 'string', 'string'],
      [this.file, seed, duration, this.tracePath, errPath], { async: true });
    this.ended = true;
    if (mod.taskError && !this.failure) this.failure = mod.taskError;
    if (rc !== 0) {
      const why = fs.existsSync(errPath) ? fs.readFileSync(errPath, 'utf8').trim() : `status ${rc}`;
      this.failure = new Error(`bgsim: ${this.file}: ${why}`);
    }
    return rc;
  }

  /** The simulation has reached the time the test advanced to: it waits for the next advance(),
   * and the test's own calls meanwhile land at this time. */
  async pause() {
    await new Promise((release) => {
      this.gate = { release };
      this.reached();
    });
    await settle();
  }

  /** The wasm side regained control where the app's code may have run (tools/wasm/bgsim_harness.c:
   * 0 the run begins, 1 a process started, 2 the time advanced to, 100 after a task run). Returns
   * the next time to pause at (the advance() target when it lies ahead), else -1. */
  async onApp(point, nowMs, processStarts) {
    this.now = nowMs;
    if (processStarts > this.processStarts) {
      this.processStarts = processStarts;
      await this.freshRuntime();
    }
    if (point === 2 && nowMs >= this.target) await this.pause();
    return this.target > nowMs ? this.target : -1;
  }

  /** One task run, at simulated time call.nowMs. Waits for the test's next advance() when that
   * time is past what it asked for. */
  async onTask(call) {
    if (call.nowMs > this.target) await this.pause();
    this.now = call.nowMs;
    if (call.processStarts > this.processStarts) {
      this.processStarts = call.processStarts;
      await this.freshRuntime();
    }
    const run = { task: call.name, start: call.nowMs, durationMs: call.modeledDurationMs,
                  modeledResult: call.modeledResult, result: null, error: null };
    const result = await this.execute(call.name, run);
    const override = this.opts.taskDuration;
    if (typeof override === 'function') {
      const d = override({ taskName: call.name, nowMs: call.nowMs, modeledMs: call.modeledDurationMs });
      if (d !== undefined && d !== null) run.durationMs = ms(d);
    } else if (override && override[call.name] !== undefined) {
      run.durationMs = ms(override[call.name]);
    }
    // expo's native side reads the result: BackgroundTaskResult.Success (1) or Failed (2); anything
    // else (the executor threw, or returned nothing) is "no result" (BackgroundTaskConsumer.swift
    // normalizeTaskResult; Android's worker ignores it). bgsim's core: BGT_RESULT_* (core/bgt.h).
    run.result = result === 1 || result === 2 ? result : 0;
    this.taskRuns.push(run);
    // What the app does after notifyTaskFinishedAsync (expo-task-manager's "not defined" path
    // unregisters the task then) must reach the queue before the wasm side drains it.
    await this.withClock(settle);
    return { result: run.result, durationMs: run.durationMs };
  }

  /** A new app process: its JS starts from nothing, as after a process death. The module registry
   * is reset and the app's entry module required again (a headless start runs the bundle too). */
  async freshRuntime() {
    this.jsRuntimes++;
    this.native.resetProcess();
    if (!this.fw || !this.fw.resetModules) {
      this.problems.push('a new process started, but no jest/vi to reset the module registry with');
      return;
    }
    this.fw.resetModules();
    // Vitest: loadEntry (() => import('../src/app'), written in the test file, so the import goes
    // through Vitest's module graph and aliases); Jest: require(entry), through Jest's registry.
    const loadEntry = this.opts.loadEntry || (this.entry && (() => require(this.entry)));
    if (!loadEntry) {
      this.problems.push('a new process started but no entry module was given (bgsim.load(file, { entry }))');
      return;
    }
    // Date is simulated while the module runs and while what it started settles (registrations).
    await this.withClock(async () => {
      await loadEntry();
      await settle();
    });
  }

  epochAt(t) {
    return (this.started ? this.started.startEpochMs : 0) + t;
  }

  /** Runs fn with Date faked to simulated time (the framework's fake timers, Date only: promises,
   * setTimeout and friends stay real so the executor's awaits settle). */
  withClock(fn) {
    const fw = this.fw;
    if (!fw || !fw.useFakeTimers) return fn();
    const now = this.epochAt(this.now);
    if (fw === framework() && typeof jest !== 'undefined') {
      fw.useFakeTimers({ now, doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'requestAnimationFrame',
        'cancelAnimationFrame', 'requestIdleCallback', 'cancelIdleCallback', 'setImmediate', 'clearImmediate',
        'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] });
    } else {
      fw.useFakeTimers({ toFake: ['Date'] });
      fw.setSystemTime(now);
    }
    let out;
    try {
      out = fn();
    } catch (e) {
      fw.useRealTimers();
      throw e;
    }
    if (out && typeof out.then === 'function') {
      return out.finally(() => fw.useRealTimers());
    }
    fw.useRealTimers();
    return out;
  }

  async execute(taskName, run) {
    const tm = this.native.ExpoTaskManager;
    const done = new Promise((resolve) => tm.expectFinish(taskName, resolve));
    const origError = console.error;
    const origWarn = console.warn;
    console.error = (...a) => {
      run.error = a.map(String).join(' ');
      this.log.push({ t: this.now, level: 'error', message: run.error });
    };
    console.warn = (...a) => this.log.push({ t: this.now, level: 'warn', message: a.map(String).join(' ') });
    try {
      return await this.withClock(async () => {
        tm.emitExecute(taskName);
        return (await done).result;
      });
    } finally {
      console.error = origError;
      console.warn = origWarn;
    }
  }

  // ---- reading the results ----
  /** The runs of task `name` so far: count, perDay (over the simulated time advanced), the list. */
  runs(name) {
    const list = this.taskRuns.filter((r) => r.task === name);
    const days = Math.max(this.now, 1) / UNITS.d;
    return {
      count: list.length,
      perDay: list.length / days,
      succeeded: list.filter((r) => r.result === 1).length,
      failed: list.filter((r) => r.result === 2).length,
      noResult: list.filter((r) => r.result === 0).length,
      list,
    };
  }

  /** The longest time between two runs of `name` (from the start to the first run, between runs,
   * from the last run to now), in ms. */
  maxGap(name) {
    const starts = this.taskRuns.filter((r) => r.task === name).map((r) => r.start);
    let prev = 0;
    let gap = 0;
    for (const t of [...starts, this.now]) {
      gap = Math.max(gap, t - prev);
      prev = t;
    }
    return gap;
  }

  /** The trace bgsim wrote (JSON Lines, the events of scenarios/TRACE.md), parsed. */
  trace() {
    // Complete lines only: during a run the file ends at the last flush (before the current task).
    const lines = fs.readFileSync(this.tracePath, 'utf8').split('\n');
    lines.pop();
    return lines.filter(Boolean).map((l) => JSON.parse(l));
  }

  /** Ends the simulation (runs it to the scenario's end). */
  async finish() {
    await this.advance(Math.max(0, (this.started ? this.started.durationMs : Infinity) - this.target) || 0);
    while (!this.ended) await this.advance(UNITS.w);
    return this;
  }
}

/**
 * Loads a scenario for a test. opts: entry (the app module that defines and registers its tasks,
 * required again at each new process; with Vitest give loadEntry instead, a function that imports
 * it: () => import('../src/app')), seed, duration (of the whole run; default the scenario's),
 * taskDuration ({task: '30s'} or a function ({taskName, nowMs, modeledMs}) -> duration, else the
 * modeled one), framework (jest or vi; found by itself in Jest and with Vitest's globals).
 */
async function load(file, opts = {}) {
  const sim = new Sim(file, opts);
  globalThis.__bgsim = sim;
  await sim.probe();
  // The real expo-modules-core finds JSI modules at globalThis.expo.modules (requireNativeModule.ts,
  // requireOptionalNativeModule) and reads the platform from process.env.EXPO_OS (Platform.ts; on a
  // device babel-preset-expo inlines it) when it loads: both before the app is required.
  globalThis.expo = globalThis.expo || {};
  globalThis.expo.modules = { ...globalThis.expo.modules, ExpoTaskManager: sim.native.ExpoTaskManager,
                              ExpoBackgroundTask: sim.native.ExpoBackgroundTask };
  process.env.EXPO_OS = sim.platform();
  return sim;
}

module.exports = { load, ms, hours, minutes, Sim };
