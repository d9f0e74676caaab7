'use strict';
// What expo-background-task 57.x imports from the `expo` package, for tests: the native module
// lookup (served by the running bgsim simulation) and isRunningInExpoGo (a development build).
const core = require('./expo-modules-core');

module.exports = {
  requireNativeModule: core.requireNativeModule,
  requireOptionalNativeModule: core.requireOptionalNativeModule,
  isRunningInExpoGo: () => false,
};
