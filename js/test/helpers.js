'use strict';
// Shared by the package's tests: the repository root, the native bgsim to compare with, and running
// a program with its stdout, stderr and exit status captured.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const pkgDir = path.resolve(__dirname, '..');
const repoRoot = path.resolve(pkgDir, '..');
const wasmCli = path.join(pkgDir, 'bin', 'bgsim.js');

/** The native program: $BGSIM_NATIVE (ctest passes it), else build/bin/bgsim of this checkout. */
function nativeBgsim() {
  const p = process.env.BGSIM_NATIVE || path.join(repoRoot, 'build', 'bin', 'bgsim');
  if (!fs.existsSync(p)) {
    throw new Error(`no native bgsim at ${p}: build it (cmake --build build) or set BGSIM_NATIVE`);
  }
  return p;
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: repoRoot, encoding: 'buffer', maxBuffer: 1 << 28, ...opts });
  if (r.error) throw r.error;
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

function runNative(args, opts) {
  return run(nativeBgsim(), args, opts);
}

function runWasm(args, opts) {
  return run(process.execPath, [wasmCli, ...args], opts);
}

function tmpDir(tag) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `bgsim-${tag}-`));
}

module.exports = { pkgDir, repoRoot, wasmCli, nativeBgsim, run, runNative, runWasm, tmpDir };
