// The app registers its tasks, not the scenario: expo's registerTaskAsync / unregisterTaskAsync
// reach bgsim's core at the simulated time the app's code makes them (top level, inside an
// executor, in the entry module at a relaunch, or in the test between two advance() calls).
const path = require('path');
const bgsim = require('../../jest');

const here = __dirname;
const SCENARIO = path.join(here, 'scenarios', 'news-android-app.yaml');
const APP = path.join(here, 'app', 'appRegisters.js');
const DAY = 86400000;
const MIN = 60000;
const START = Date.UTC(2026, 0, 5, 7, 0); // the scenario's start, as Date.now() sees it

beforeEach(() => {
  delete globalThis.appStore;
  delete globalThis.appConfig;
  jest.resetModules();
});

/** The distinct delays (minutes) of the worker requests (os.schedule) at times that pass `when`,
 * but for the foreground guard's retries: a run that comes due while the app is in the foreground
 * is asked again min(1 h, interval) later (worker.end deferred_foreground at the same instant),
 * whatever the registration says; whether one comes due then depends on the user's drawn visits. */
const delays = (sim, when) => {
  const guard = new Set(sim.trace().filter((e) => e.type === 'worker.end' && e.kind === 'deferred_foreground')
    .map((e) => e.t));
  return [...new Set(sim.trace().filter((e) => e.type === 'os.schedule' && when(e.t) && !guard.has(e.t))
    .map((e) => e.delay_ms / MIN))].sort((a, b) => a - b);
};
const events = (sim, type, task) => sim.trace().filter((e) => e.type === type && (!task || e.task === task));

async function run(config, days, between) {
  globalThis.appConfig = config;
  const sim = await bgsim.load(SCENARIO, { entry: APP });
  const app = require(APP);
  await app.ready;
  if (between) {
    await sim.advance(between.at);
    await between.then(app);
  }
  await sim.advance(days * DAY - (between ? bgsim.ms(between.at) : 0));
  expect(sim.problems).toEqual([]);
  return sim;
}

test('a task the app registers only after 2 simulated days does not run before, and runs after', async () => {
  const sim = await run({ newsInterval: 15, digestFrom: START + 2 * DAY, digestInterval: 60 }, 5);
  const reg = events(sim, 'task.register', 'digest');
  expect(reg.length).toBe(1); // from news-sync's executor, at its first run from day 2 on
  expect(reg[0].rc).toBe(0);
  expect(reg[0].minimum_interval_min).toBe(60);
  expect(reg[0].t).toBeGreaterThanOrEqual(2 * DAY);
  expect(sim.runs('news-sync').list.some((r) => r.start === reg[0].t)).toBe(true);
  const digest = sim.runs('digest').list;
  expect(digest.length).toBeGreaterThan(0);
  expect(digest[0].start).toBeGreaterThan(reg[0].t);
  expect(sim.runs('news-sync').list.filter((r) => r.start < 2 * DAY).length).toBeGreaterThan(10);
  // All tasks share one worker and one interval; the last registration's wins (Android
  // BackgroundTaskScheduler.registerTask sets intervalMinutes): news-sync's 15 min until digest's
  // registration, 60 min after it; news-sync runs fewer times a day from then on.
  expect(delays(sim, (t) => t < reg[0].t)).toEqual([15]);
  expect(delays(sim, (t) => t > reg[0].t)).toEqual([60]);
  const news = sim.runs('news-sync').list;
  const perDayBefore = news.filter((r) => r.start < reg[0].t).length / (reg[0].t / DAY);
  const perDayAfter = news.filter((r) => r.start > reg[0].t).length / ((5 * DAY - reg[0].t) / DAY);
  expect(perDayAfter).toBeGreaterThan(5);
  expect(perDayAfter).toBeLessThan(perDayBefore / 2);
});

test('unregisterTaskAsync from the test at day 2 stops the runs at day 2', async () => {
  const sim = await run({ newsInterval: 15 }, 4, { at: '2d', then: (app) => app.stopSync() });
  const unreg = events(sim, 'task.unregister', 'news-sync');
  expect(unreg.map((e) => [e.t, e.rc])).toEqual([[2 * DAY, 0]]);
  const list = sim.runs('news-sync').list;
  expect(list.filter((r) => r.start < 2 * DAY).length).toBeGreaterThan(10);
  expect(list.filter((r) => r.start >= 2 * DAY)).toEqual([]);
  expect(events(sim, 'task.run').filter((e) => e.t > 2 * DAY)).toEqual([]);
});

describe('re-registering with another minimumInterval at a relaunch', () => {
  test('expo keeps the first interval: registerTaskAsync returns early for a registered task', async () => {
    const sim = await run({ newsInterval: 15, relaunchInterval: 120 }, 7);
    expect(sim.jsRuntimes).toBeGreaterThan(1);
    expect(globalThis.appStore.loads).toBe(sim.jsRuntimes);
    const reg = events(sim, 'task.register', 'news-sync');
    expect(reg.map((e) => [e.t, e.minimum_interval_min])).toEqual([[0, 15]]);
    expect(delays(sim, () => true)).toEqual([15]);
  });

  test('unregistering first makes the new interval the one (the last registration wins)', async () => {
    const sim = await run({ newsInterval: 15, relaunchInterval: 120, unregisterFirst: true }, 7);
    const reg = events(sim, 'task.register', 'news-sync');
    expect(reg.length).toBe(sim.jsRuntimes);
    expect(reg[0].minimum_interval_min).toBe(15);
    expect(reg.slice(1).every((e) => e.minimum_interval_min === 120 && e.rc === 0)).toBe(true);
    // Each relaunch's unregisterTaskAsync comes just before its registration, at the process start.
    const starts = events(sim, 'app.start').map((e) => e.t);
    expect(reg.map((e) => e.t)).toEqual(starts);
    expect(events(sim, 'task.unregister', 'news-sync').map((e) => e.t)).toEqual(starts.slice(1));
    expect(delays(sim, (t) => t < reg[1].t)).toEqual([15]);
    expect(delays(sim, (t) => t >= reg[1].t)).toEqual([120]);
  });
});

test('an unregistration made while no process is alive waits for the user to open the app', async () => {
  // (The app's code runs only in a process: a call made then stands for the user acting in the
  // app's UI, so it lands at the user's next visit; headless starts for the worker come before.)
  // The same scenario and seed, twice: the first run finds a time when the process is dead.
  globalThis.appConfig = { newsInterval: 15 };
  const first = await bgsim.load(SCENARIO, { entry: APP });
  await require(APP).ready;
  await first.advance('4d');
  const trace = first.trace();
  const kill = trace.find((e) => e.type === 'app.kill' && e.t > DAY);
  const next = trace.find((e) => e.type === 'app.start' && e.t > kill.t);
  const open = trace.find((e) => e.type === 'app.foreground' && e.t > kill.t); // the user's next visit
  expect(next.t).toBeGreaterThan(kill.t + 1);
  delete globalThis.appStore;
  jest.resetModules();

  const sim = await run({ newsInterval: 15 }, 4, { at: kill.t + 1, then: (app) => app.stopSync() });
  expect(sim.trace().filter((e) => e.type === 'app.kill' && e.t <= kill.t + 1).pop().t).toBe(kill.t);
  const unreg = events(sim, 'task.unregister', 'news-sync');
  expect(unreg.map((e) => [e.t, e.rc])).toEqual([[open.t, 0]]);
  const list = sim.runs('news-sync').list;
  expect(list.filter((r) => r.start >= open.t)).toEqual([]);
  expect(list.filter((r) => r.start > kill.t && r.start < open.t).length).toBe(
    first.runs('news-sync').list.filter((r) => r.start > kill.t && r.start < open.t).length);
});
