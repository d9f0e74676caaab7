// The README's "From JavaScript" Jest example, as written there (its app module is
// app/readmeSync.js; its scenario the package's Android test scenario).
const path = require('path');
const bgsim = require('../../jest');

test('news-sync runs often enough on an Android phone that is swiped away every evening', async () => {
  const entry = require.resolve('./app/readmeSync');
  const sim = await bgsim.load(path.join(__dirname, 'scenarios/news-android.yaml'), { entry });
  require(entry);                       // the app's module: defineTask + registerTaskAsync
  await sim.advance('7d');              // each executor runs at its simulated time, awaited
  expect(sim.runs('news-sync').perDay).toBeGreaterThan(20);
  expect(sim.maxGap('news-sync')).toBeLessThan(bgsim.hours(6));
  expect(sim.runs('news-sync').failed).toBe(0);
  // What the README says of it: the app's own module ran each executor, at simulated times.
  const { synced } = require(entry);
  expect(synced.length).toBeGreaterThan(0);
});
