// The package's own Vitest tests (test/vitest/): bgsim's Vitest preset, as an app would use it
// (an app writes `import bgsim from 'bgsim/vitest-preset'`; here the file is required directly, as
// Vite would otherwise bundle this CommonJS file into the config).
import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const bgsim = createRequire(import.meta.url)('./vitest-preset.js');

export default defineConfig({ ...bgsim, test: { ...bgsim.test, include: ['test/vitest/**/*.test.mjs'] } });
