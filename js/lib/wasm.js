'use strict';
// Where the WebAssembly build lives (tools/wasm/build.sh writes it; the package ships it in dist/),
// and how to start the bgsim program in it.
const fs = require('fs');
const path = require('path');

/** The folder holding bgsim-cli.js/.wasm: $BGSIM_WASM_DIR when set, else the package's dist/. */
function wasmDir() {
  return path.resolve(process.env.BGSIM_WASM_DIR || path.join(__dirname, '..', 'dist'));
}

function load(name) {
  const dir = wasmDir();
  const js = path.join(dir, `${name}.js`);
  const wasm = path.join(dir, `${name}.wasm`);
  if (!fs.existsSync(js) || !fs.existsSync(wasm)) {
    throw new Error(`bgsim: ${js} or ${wasm} is missing: build them with tools/wasm/build.sh ` +
      '(or npm run build in js/), or set BGSIM_WASM_DIR to the folder that holds them');
  }
  // emscripten 3.1.6 would fetch() the .wasm by path under Node >= 18, which fails: hand it the bytes.
  return { factory: require(js), wasmBinary: fs.readFileSync(wasm) };
}

/**
 * Runs `bgsim ARGS...` in this process, as the native program would: same stdout, stderr, files and
 * exit status (the module calls process.exit with the program's status when it ends).
 */
function runCli(args) {
  const { factory, wasmBinary } = load('bgsim-cli');
  return factory({ arguments: args, wasmBinary, thisProgram: 'bgsim' });
}

module.exports = { wasmDir, load, runCli };
