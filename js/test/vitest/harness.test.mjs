// bgsim/jest under Vitest: vi instead of jest for the module registry (vi.resetModules at each new
// process, the app imported again through Vitest's graph) and the clock (vi.useFakeTimers, Date
// only). The same real expo packages and sample app modules as the Jest tests.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeEach, expect, test, vi } from 'vitest';
import bgsim from '../../jest/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const harness = path.join(here, '..', 'harness');
const scenario = (name) => path.join(harness, 'scenarios', name);
const DAY = 86400000;

function nativeTaskRuns(file) {
  const bin = process.env.BGSIM_NATIVE || path.join(here, '..', '..', '..', 'build', 'bin', 'bgsim');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bgsim-native-'));
  const trace = path.join(dir, 't.jsonl');
  const r = spawnSync(bin, ['run', file, '--trace', trace], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${bin} run ${file}: ${r.stderr}`);
  const events = fs.readFileSync(trace, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  fs.rmSync(dir, { recursive: true, force: true });
  return events.filter((e) => e.type === 'task.run');
}

beforeEach(() => {
  delete globalThis.newsStore;
  delete globalThis.appStore;
  delete globalThis.appConfig;
  vi.resetModules();
});

test('Android: the app runs at bgsim run times, a new module instance per process, Date simulated', async () => {
  const file = scenario('news-android.yaml');
  const loadEntry = () => import('../harness/app/backgroundSync.js');
  const sim = await bgsim.load(file, { framework: vi, loadEntry });
  await loadEntry();
  await sim.advance('7d');
  const runs = sim.runs('news-sync');
  const want = nativeTaskRuns(file);
  expect(runs.list.map((r) => [r.start, r.durationMs, r.result])).toEqual(
    want.map((e) => [e.t, e.duration_ms, e.result === 'success' ? 1 : 2]));
  expect(runs.perDay).toBeGreaterThan(20);
  // Process deaths gave fresh module instances (vi.resetModules), each loaded once ...
  expect(sim.jsRuntimes).toBeGreaterThan(1);
  expect(globalThis.newsStore.loads).toBe(sim.jsRuntimes);
  // ... and the executor's Date.now() was simulated time (vi.useFakeTimers, Date only).
  const start = Date.UTC(2026, 0, 5, 7, 0);
  expect(globalThis.newsStore.fetchedAt).toEqual(runs.list.map((r) => start + r.start));
  expect(Math.abs(Date.now() - start)).toBeGreaterThan(DAY); // real time again outside
  expect(sim.problems).toEqual([]);
  // The real expo-modules-core (its CodedError class; the lookup at globalThis.expo.modules).
  const core = await import('expo-modules-core');
  expect(typeof core.CodedError).toBe('function');
  expect(core.requireNativeModule('ExpoTaskManager')).toBe(sim.native.ExpoTaskManager);
  expect(core.Platform.OS).toBe('android');
});

test('unregisterTaskAsync between two advance() calls stops the runs there', async () => {
  globalThis.appConfig = { newsInterval: 15 };
  const loadEntry = () => import('../harness/app/appRegisters.js');
  const sim = await bgsim.load(scenario('news-android-app.yaml'), { framework: vi, loadEntry });
  const app = await loadEntry();
  await app.ready;
  await sim.advance('2d');
  await app.stopSync();
  await sim.advance('2d');
  const unreg = sim.trace().filter((e) => e.type === 'task.unregister');
  expect(unreg.map((e) => [e.task, e.t])).toEqual([['news-sync', 2 * DAY]]);
  const list = sim.runs('news-sync').list;
  expect(list.filter((r) => r.start < 2 * DAY).length).toBeGreaterThan(10);
  expect(list.filter((r) => r.start >= 2 * DAY)).toEqual([]);
  expect(sim.problems).toEqual([]);
});
