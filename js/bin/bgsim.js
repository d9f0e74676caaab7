#!/usr/bin/env node
'use strict';
// `npx bgsim run|validate|check|sweep|fleet ...`: the bgsim program compiled to WebAssembly from the
// same C sources as the native one; output, files and exit status are the native program's.
const { runCli } = require('../lib/wasm');

const [major] = process.versions.node.split('.').map(Number);
if (major < 18) {
  process.stderr.write(`bgsim: Node ${process.versions.node} is too old; Node 18 or later is needed\n`);
  process.exit(69);
}
runCli(process.argv.slice(2));
