'use strict';
// `npm pack` makes the package; installed from that tarball into a fresh project (no network: the
// package has no dependencies), `npx bgsim` runs and prints what the native program prints.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const path = require('path');
const { pkgDir, repoRoot, run, runNative, tmpDir } = require('./helpers');
const { wasmDir } = require('../lib/wasm');

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

test('npm pack, install the tarball into a fresh project, npx bgsim', () => {
  const work = tmpDir('pack');
  // The package folder as npm packs it: package.json's "files", with dist/ from the wasm build.
  const stage = path.join(work, 'stage');
  fs.mkdirSync(stage);
  for (const f of ['package.json', 'README.md', 'bin', 'lib', 'jest', 'jest-preset.js', 'vitest-preset.js']) {
    if (fs.existsSync(path.join(pkgDir, f))) fs.cpSync(path.join(pkgDir, f), path.join(stage, f), { recursive: true });
  }
  fs.cpSync(wasmDir(), path.join(stage, 'dist'), { recursive: true });
  const packed = run(npm, ['pack', '--json', '--pack-destination', work], { cwd: stage });
  assert.strictEqual(packed.status, 0, packed.stderr.toString());
  const info = JSON.parse(packed.stdout.toString())[0];
  const names = info.files.map((f) => f.path).sort();
  for (const f of ['bin/bgsim.js', 'dist/bgsim-cli.js', 'dist/bgsim-cli.wasm', 'dist/bgsim-harness.js', 'dist/bgsim-harness.wasm', 'jest/index.js', 'jest-preset.js', 'vitest-preset.js', 'lib/index.js', 'lib/wasm.js', 'package.json']) {
    assert.ok(names.includes(f), `the tarball holds ${f} (it holds ${names.join(', ')})`);
  }
  assert.ok(!names.some((f) => f.startsWith('test/') || f.startsWith('node_modules/')), 'no tests or modules packed');

  const proj = path.join(work, 'app');
  fs.mkdirSync(proj);
  fs.writeFileSync(path.join(proj, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
  const inst = run(npm, ['install', '--no-audit', '--no-fund', '--offline', path.join(work, info.filename)], { cwd: proj });
  assert.strictEqual(inst.status, 0, inst.stderr.toString());
  fs.copyFileSync(path.join(repoRoot, 'scenarios', 'default.yaml'), path.join(proj, 'news.yaml'));
  const env = { ...process.env };
  delete env.BGSIM_WASM_DIR; // the installed package's own dist/
  const got = run(npx, ['--no-install', 'bgsim', 'run', 'news.yaml', '--seed', '9'], { cwd: proj, env });
  const want = runNative(['run', 'news.yaml', '--seed', '9'], { cwd: proj });
  assert.strictEqual(got.stderr.toString(), want.stderr.toString());
  assert.strictEqual(got.stdout.toString(), want.stdout.toString());
  assert.strictEqual(got.status, 0);
  // The harness and Jest preset resolve as an app's test config names them.
  const r = run(process.execPath, ['-e',
    "console.log(typeof require('bgsim/jest').load, require.resolve('bgsim/jest-preset'), typeof require('bgsim').runCli, require('bgsim/vitest-preset').test.environment)"],
  { cwd: proj, env });
  assert.strictEqual(r.status, 0, r.stderr.toString());
  assert.match(r.stdout.toString(), /^function .*node_modules\/bgsim\/jest-preset\.js function node\n$/);
  const v = run(npx, ['--no-install', 'bgsim', 'validate', 'news.yaml'], { cwd: proj, env });
  assert.strictEqual(v.status, 0, v.stderr.toString());
  fs.rmSync(work, { recursive: true, force: true });
});
