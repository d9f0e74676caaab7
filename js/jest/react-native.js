'use strict';
// Stand-in for react-native, for tests. What runs imports only this from it:
//   expo-task-manager 57.x TaskManager.js: AppRegistry.registerHeadlessTask (a no-op keep-alive,
//     Android), and expo-modules-core 57.x: Platform (its fallback when process.env.EXPO_OS is
//     unset; bgsim.load sets it), TurboModuleRegistry (its fallback lookup when a module is not in
//     globalThis.expo.modules), NativeEventEmitter (LegacyEventEmitter, for a module of the old
//     architecture; bgsim's are new-architecture modules, so it is never constructed).
// The real react-native (0.86.3, expo 57's) cannot load under plain Jest or Vitest in Node: its
// entry index.js is Flow-typed source (`import typeof * as ReactNativePublicAPI from
// './index.js.flow'`: `node -e "require('react-native')"` stops there with SyntaxError: Unexpected
// token 'typeof', and neither @babel/preset-env nor Vite's esbuild parses Flow); compiled by
// @react-native/babel-preset, its modules call TurboModuleRegistry.getEnforcing('PlatformConstants')
// and ('DeviceInfo') at load time (src/private/specs_DEPRECATED/modules/NativePlatformConstants*.js,
// NativeDeviceInfo.js), which throws without React Native's native runtime. Its Jest preset (in
// 0.86.3 the separate package @react-native/jest-preset) works by mocking those native modules in
// its setup file: a stand-in of its own, and one that needs React Native's Babel preset.
function sim() {
  return globalThis.__bgsim || null;
}

const Platform = {
  get OS() {
    const s = sim();
    return s ? s.platform() : process.env.EXPO_OS || 'android';
  },
  select(spec) {
    const os = this.OS;
    if (spec[os] !== undefined) return spec[os];
    return spec.native !== undefined ? spec.native : spec.default;
  },
};

class NativeEventEmitter {
  constructor() {
    throw new Error('bgsim: NativeEventEmitter is not available under bgsim/jest (an old-architecture module)');
  }
}

module.exports = {
  AppRegistry: { registerHeadlessTask() {} },
  Platform,
  TurboModuleRegistry: { get: () => null, getEnforcing: (name) => { throw new Error(`bgsim: no TurboModule '${name}'`); } },
  NativeEventEmitter,
};
