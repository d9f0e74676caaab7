'use strict';
// Vitest settings of bgsim (the Vitest twin of jest-preset.js), for a vitest.config:
//
//   import { defineConfig } from 'vitest/config';
//   import bgsim from 'bgsim/vitest-preset';
//   export default defineConfig({ ...bgsim, test: { ...bgsim.test, include: ['**/*.test.js'] } });
//
// What the expo packages import from expo, expo-modules-core and react-native is served by
// bgsim/jest's stand-ins (the native modules from the running simulation); the expo packages and
// bgsim itself are inlined (run through Vitest's module graph, where the aliases and
// vi.resetModules apply) instead of being loaded by Node.
const path = require('path');

const shims = path.join(__dirname, 'jest');
module.exports = {
  resolve: {
    alias: [
      { find: /^expo-modules-core$/, replacement: path.join(shims, 'expo-modules-core.js') },
      { find: /^expo$/, replacement: path.join(shims, 'expo.js') },
      { find: /^react-native$/, replacement: path.join(shims, 'react-native.js') },
    ],
  },
  define: { __DEV__: 'true' },
  test: {
    environment: 'node',
    server: { deps: { inline: ['expo-background-task', 'expo-task-manager', 'bgsim'] } },
    testTimeout: 120000,
  },
};
