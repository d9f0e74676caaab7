'use strict';
// Stand-in for the `expo` package, for tests: expo-background-task 57.x imports two names from it
// (requireNativeModule, isRunningInExpoGo). The real `expo` (57.0.26) is not loaded: its entry
// src/Expo.ts first imports ./Expo.fx, which imports ./winter, ./async-require, expo-asset,
// expo/virtual/rsc and react-native's AppRegistry, NativeModules and LogBox, i.e. the app runtime
// and the real react-native (which cannot load here: jest/react-native.js); and its dependencies
// bring @expo/cli, Metro and babel-preset-expo. Its requireNativeModule is expo-modules-core's
// (src/Expo.ts re-exports it), so this re-exports the real one; its isRunningInExpoGo is
// `requireNativeModule('ExpoGo')` found (src/environment/ExpoGo.ts), and bgsim serves no ExpoGo
// module (a development build), so the same lookup says false here.
const core = require('expo-modules-core');

module.exports = {
  requireNativeModule: core.requireNativeModule,
  requireOptionalNativeModule: core.requireOptionalNativeModule,
  isRunningInExpoGo: () => core.requireOptionalNativeModule('ExpoGo') != null,
};
