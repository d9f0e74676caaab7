'use strict';
// require('bgsim'): where the WebAssembly build is, and the program itself (runCli(args) runs
// `bgsim ARGS...` in this process and exits with its status, as bin/bgsim.js does). The test
// harness is require('bgsim/jest').
const { wasmDir, runCli } = require('./wasm');

module.exports = { wasmDir, runCli };
