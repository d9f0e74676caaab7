'use strict';
// The package's own Jest tests (test/harness/): bgsim's preset, as an app would use it.
module.exports = {
  ...require('./jest-preset.js'),
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/harness/**/*.test.js'],
  testTimeout: 120000,
};
