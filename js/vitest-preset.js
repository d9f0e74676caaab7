'use strict';
// Vitest settings of bgsim (the Vitest twin of jest-preset.js), for a vitest.config:
//
//   import { defineConfig } from 'vitest/config';
//   import bgsim from 'bgsim/vitest-preset';
//   export default defineConfig({ ...bgsim, test: { ...bgsim.test, include: ['**/*.test.js'] } });
//
// The real expo-modules-core (TypeScript sources, compiled by Vite) finds the two native modules
// bgsim serves at globalThis.expo.modules (set by bgsim.load); what expo-background-task imports
// from `expo` and what the packages import from react-native come from bgsim/jest's two stand-ins
// (jest/expo.js, jest/react-native.js say why). The expo packages, expo-modules-core and bgsim
// itself are inlined (run through Vitest's module graph, where the aliases and vi.resetModules
// apply) instead of being loaded by Node.
const path = require('path');

const shims = path.join(__dirname, 'jest');
module.exports = {
  resolve: {
    alias: [
      { find: /^expo$/, replacement: path.join(shims, 'expo.mjs') },
      { find: /^react-native$/, replacement: path.join(shims, 'react-native.js') },
    ],
  },
  define: { __DEV__: 'true' },
  test: {
    environment: 'node',
    server: { deps: { inline: ['expo-background-task', 'expo-task-manager', 'expo-modules-core', 'bgsim'] } },
    testTimeout: 120000,
  },
};
