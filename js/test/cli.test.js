'use strict';
// The WebAssembly bgsim against the native one: for the same command line (same scenario, seed and
// options) stdout, stderr, exit status and every file written must be the same bytes.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const path = require('path');
const { repoRoot, runNative, runWasm, tmpDir } = require('./helpers');

function same(args, { files = [] } = {}) {
  const out = tmpDir('cli');
  const subst = (a) => a.replaceAll('@OUT@', out);
  const wantFiles = {};
  const want = runNative(args.map(subst));
  for (const f of files) wantFiles[f] = fs.readFileSync(path.join(out, f));
  for (const f of files) fs.rmSync(path.join(out, f), { recursive: true, force: true });
  const got = runWasm(args.map(subst));
  const label = `bgsim ${args.join(' ')}`;
  assert.strictEqual(got.stderr.toString(), want.stderr.toString(), `${label}: stderr`);
  assert.ok(got.stdout.equals(want.stdout), `${label}: stdout differs:\n--- native\n${want.stdout}\n--- wasm\n${got.stdout}`);
  assert.strictEqual(got.status, want.status, `${label}: exit status`);
  for (const f of files) {
    assert.ok(fs.readFileSync(path.join(out, f)).equals(wantFiles[f]), `${label}: ${f} differs`);
  }
  fs.rmSync(out, { recursive: true, force: true });
  return want;
}

const examples = fs.readdirSync(path.join(repoRoot, 'scenarios', 'examples'))
  .filter((f) => f.endsWith('.yaml')).map((f) => `scenarios/examples/${f}`);

test('run: every bundled scenario, text and JSON, same bytes as native', () => {
  for (const f of ['scenarios/default.yaml', ...examples]) {
    same(['run', f]);
  }
  const r = same(['run', 'scenarios/default.yaml', '--format', 'json', '--trace', '@OUT@/t.jsonl'],
    { files: ['t.jsonl'] });
  assert.strictEqual(r.status, 0);
  assert.match(r.stdout.toString(), /"metrics"/);
});

test('run: other seeds, durations, platforms and --set', () => {
  same(['run', 'scenarios/default.yaml', '--seed', '7', '--duration', '14d', '--format', 'json']);
  same(['run', 'scenarios/default.yaml', '--fingerprint']);
  for (const p of ['android', 'ios', 'ideal']) {
    same(['run', 'scenarios/default.yaml', '--set', `platform=${p}`, '--seed', '3']);
  }
});

test('validate and check: diagnostics and JUnit', () => {
  same(['validate', 'scenarios/default.yaml', ...examples]);
  const bad = tmpDir('bad');
  fs.writeFileSync(path.join(bad, 'bad.yaml'), 'platform: andriod\nduration: 3 weeks\napp:\n  tasks: []\n');
  const r = same(['validate', path.join(bad, 'bad.yaml')]);
  assert.notStrictEqual(r.status, 0, 'a broken scenario is refused');
  same(['check', ...examples.slice(0, 6), '--junit', '@OUT@/junit.xml'], { files: ['junit.xml'] });
  fs.rmSync(bad, { recursive: true, force: true });
});

test('sweep and fleet: CSV and JSON', () => {
  same(['sweep', 'scenarios/default.yaml', '--set', 'app.tasks[sync].minimum_interval=15m,1h', '--seeds', '2']);
  same(['sweep', 'scenarios/default.yaml', '--set', 'platform=ios', '--set',
    'app.tasks[sync].minimum_interval=15m,1h', '--seeds', '2', '--format', 'json']);
  const fleets = fs.readdirSync(path.join(repoRoot, 'scenarios', 'fleets')).filter((f) => f.endsWith('.yaml'));
  same(['fleet', `scenarios/fleets/${fleets[0]}`, '--devices', '6', '--duration', '2d', '--format', 'json']);
});

test('init and doctor', () => {
  for (const p of ['android', 'ios']) same(['init', p, `@OUT@/${p}.yaml`], { files: [`${p}.yaml`] });
  const apps = path.join(repoRoot, 'tests', 'doctor', 'apps');
  if (fs.existsSync(apps)) {
    for (const app of fs.readdirSync(apps)) same(['doctor', `tests/doctor/apps/${app}`]);
  }
});

test('usage errors and help', () => {
  assert.strictEqual(same(['no-such-command']).status, 64);
  same(['run']);
  same(['--help']);
  same(['run', 'no/such/file.yaml']);
});

test('explain, when this bgsim has it', (t) => {
  const help = runNative(['--help']);
  if (!/\bexplain\b/.test(help.stdout.toString() + help.stderr.toString())) {
    t.skip('this bgsim has no explain command');
    return;
  }
  same(['explain', 'scenarios/default.yaml']);
  for (const f of examples.slice(0, 4)) same(['explain', f]);
});

test('plots: gnuplot run through Node when on PATH; the same message when it is missing', () => {
  // The data and scripts bgsim writes are compared byte for byte; the images are gnuplot's.
  const plots = ['hours', 'intervals', 'timeline'].flatMap((n) => [`plots/${n}.dat`, `plots/${n}.gp`]);
  same(['run', 'scenarios/default.yaml', '--duration', '2d', '--plot', '@OUT@/plots'], { files: plots });
  const env = { ...process.env, BGSIM_GNUPLOT: 'no-such-gnuplot-program' };
  const out = tmpDir('noplot');
  const want = runNative(['run', 'scenarios/default.yaml', '--duration', '1d', '--plot', out], { env });
  const got = runWasm(['run', 'scenarios/default.yaml', '--duration', '1d', '--plot', out], { env });
  assert.notStrictEqual(want.status, 0);
  assert.match(want.stderr.toString(), /cannot run 'no-such-gnuplot-program'/);
  assert.strictEqual(got.stderr.toString(), want.stderr.toString());
  assert.strictEqual(got.status, want.status);
  fs.rmSync(out, { recursive: true, force: true });
});
