// The real expo-background-task 57.x and expo-task-manager JS (pinned in package-lock.json) under
// bgsim/jest, with a sample app module, on an Android and an iOS scenario. The runs the app's
// executor saw must be the task runs of `bgsim run --trace` of the same scenario (native bgsim).
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const bgsim = require('../../jest');

const here = __dirname;
const scenario = (name) => path.join(here, 'scenarios', name);
const APP = path.join(here, 'app', 'backgroundSync.js');

function nativeTaskRuns(file, args = []) {
  const bin = process.env.BGSIM_NATIVE || path.join(here, '..', '..', '..', 'build', 'bin', 'bgsim');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bgsim-native-'));
  const trace = path.join(dir, 't.jsonl');
  const r = spawnSync(bin, ['run', file, '--trace', trace, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${bin} run ${file}: ${r.stderr}`);
  const events = fs.readFileSync(trace, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  fs.rmSync(dir, { recursive: true, force: true });
  return events;
}

function store() {
  return globalThis.newsStore;
}

beforeEach(() => {
  delete globalThis.newsStore;
  jest.resetModules();
});

describe.each([
  ['android', 'news-android.yaml'],
  ['ios', 'news-ios.yaml'],
])('%s: the real expo packages run the app executor at bgsim run times', (platform, file) => {
  test('runs, times, durations and results match bgsim run', async () => {
    const sim = await bgsim.load(scenario(file), { entry: APP });
    require(APP);
    await sim.advance('3d');
    const early = sim.runs('news-sync').count;
    await sim.advance('4d');
    const runs = sim.runs('news-sync');
    expect(runs.count).toBeGreaterThan(early);
    expect(early).toBeGreaterThan(0);

    const want = nativeTaskRuns(scenario(file)).filter((e) => e.type === 'task.run');
    expect(runs.list.map((r) => [r.start, r.durationMs, r.result])).toEqual(
      want.map((e) => [e.t, e.duration_ms, e.result === 'success' ? 1 : 2]));
    // The executor stamped simulated time: the scenario's start (2026-01-05T07:00) + the run's time.
    const start = Date.UTC(2026, 0, 5, 7, 0);
    expect(store().fetchedAt).toEqual(runs.list.map((r) => start + r.start));
    expect(sim.trace().filter((e) => e.type === 'task.run')).toEqual(want);
    if (platform === 'android') {
      expect(runs.perDay).toBeGreaterThan(20);
      expect(sim.maxGap('news-sync')).toBeLessThan(bgsim.hours(6));
    } else {
      expect(runs.perDay).toBeGreaterThan(0.5);
      expect(runs.perDay).toBeLessThan(3);
    }
    // Every process the simulation started loaded the app module once (a kill drops the JS state).
    const kills = sim.trace().filter((e) => e.type === 'app.kill').length;
    if (platform === 'android') expect(kills).toBeGreaterThan(0);
    expect(store().loads).toBe(sim.jsRuntimes);
    expect(sim.problems).toEqual([]);
  });
});

test('a Failed result and a thrown error are recorded as expo records them', async () => {
  const sim = await bgsim.load(scenario('news-android.yaml'), { entry: APP, duration: '1d' });
  require(APP);
  globalThis.newsStore.failNext = 1;
  globalThis.newsStore.throwNext = 1;
  await sim.advance('1d');
  const list = sim.runs('news-sync').list;
  expect(list[0].result).toBe(0); // threw: TaskManager logs it and reports a null result
  expect(list[0].error).toMatch(/TaskManager: Task "news-sync" failed:.*network unreachable/);
  expect(list[1].result).toBe(2); // BackgroundTaskResult.Failed
  expect(list[2].result).toBe(1);
  const traced = sim.trace().filter((e) => e.type === 'task.run').slice(0, 3).map((e) => e.result);
  expect(traced).toEqual(['none', 'failed', 'success']);
});

test('the modeled duration can be overridden; the executor wall time does not count', async () => {
  const sim = await bgsim.load(scenario('news-ios.yaml'), { entry: APP, taskDuration: { 'news-sync': '2m' } });
  require(APP);
  await sim.advance('2d');
  const list = sim.runs('news-sync').list;
  expect(list.length).toBeGreaterThan(0);
  for (const r of list) expect(r.durationMs).toBe(120000);
  const traced = sim.trace().filter((e) => e.type === 'task.run');
  expect(traced.every((e) => e.duration_ms === 120000)).toBe(true);
});

test('a defineTask that is not at global scope fails after a process death, as on a device', async () => {
  const LATE = path.join(here, 'app', 'lateDefine.js');
  const sim = await bgsim.load(scenario('news-android.yaml'), { entry: LATE });
  await require(LATE).onSettingsScreen(); // the user opened the settings screen once
  await sim.advance('7d');
  const list = sim.runs('news-sync').list;
  const firstKill = sim.trace().find((e) => e.type === 'app.kill');
  expect(firstKill).toBeDefined();
  const before = list.filter((r) => r.start < firstKill.t);
  const after = list.filter((r) => r.start > firstKill.t);
  expect(before.length).toBeGreaterThan(0);
  expect(before.every((r) => r.result === 1)).toBe(true);
  expect(after.length).toBeGreaterThan(0);
  expect(after[0].result).toBe(0);
  const warned = sim.log.find((l) => l.level === 'warn' && /Execution of "news-sync" was requested but looks like it is not defined/.test(l.message));
  expect(warned).toBeDefined();
  expect(warned.t).toBeGreaterThan(firstKill.t);
  // expo-task-manager then unregisters the task (TaskManager.ts, after notifyTaskFinishedAsync), in
  // the registry bgsim serves and in bgsim's core: the undefined run is the last one.
  expect(sim.native.registry.has('news-sync')).toBe(false);
  expect(after.length).toBe(1);
  const unreg = sim.trace().filter((e) => e.type === 'task.unregister');
  expect(unreg.map((e) => [e.task, e.t, e.rc])).toEqual([['news-sync', after[0].start, 0]]);
});

test('the real expo-modules-core finds the native modules bgsim serves, and the scenario platform', async () => {
  const sim = await bgsim.load(scenario('news-ios.yaml'), { entry: APP });
  expect(require.resolve('expo-modules-core')).toMatch(/node_modules\/expo-modules-core\/src\/index\.ts$/);
  const core = require('expo-modules-core');
  expect(core.requireNativeModule('ExpoTaskManager')).toBe(sim.native.ExpoTaskManager);
  expect(core.requireNativeModule('ExpoBackgroundTask')).toBe(sim.native.ExpoBackgroundTask);
  expect(() => core.requireNativeModule('ExpoGo')).toThrow("Cannot find native module 'ExpoGo'");
  expect(core.Platform.OS).toBe('ios'); // process.env.EXPO_OS, set by bgsim.load before the app loads
  expect(require('expo').isRunningInExpoGo()).toBe(false);
  expect(typeof core.CodedError).toBe('function'); // not in the stand-in this replaced
});

test('sim.withClock runs code (the app\'s top level) at the scenario start in simulated Date', async () => {
  const sim = await bgsim.load(scenario('news-android.yaml'), { entry: APP });
  expect(sim.withClock(() => Date.now())).toBe(Date.UTC(2026, 0, 5, 7, 0));
  expect(Date.now()).not.toBe(Date.UTC(2026, 0, 5, 7, 0));
});
