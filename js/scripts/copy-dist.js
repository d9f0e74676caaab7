'use strict';
// `npm run build`: copies the wasm build's output (tools/wasm/build.sh OUT -> OUT/dist) into the
// package's dist/, which `npm pack` ships.
const fs = require('fs');
const path = require('path');

const from = path.resolve(process.argv[2] || path.join(__dirname, '..', '..', 'build', 'wasm', 'dist'));
const to = path.join(__dirname, '..', 'dist');
fs.rmSync(to, { recursive: true, force: true });
fs.cpSync(from, to, { recursive: true });
console.log(`bgsim: ${path.relative(process.cwd(), to)} <- ${from}`);
