'use strict';
// What expo-task-manager 57.x imports from react-native, for tests: AppRegistry's headless task
// registration (a no-op keep-alive on Android) and Platform.
const core = require('./expo-modules-core');

module.exports = {
  AppRegistry: { registerHeadlessTask() {} },
  Platform: core.Platform,
};
