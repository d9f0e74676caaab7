'use strict';
// Jest preset of bgsim (`"preset": "bgsim"` in a Jest config): the expo packages' ESM is compiled
// by babel-jest, and what their JS imports from expo, expo-modules-core and react-native is served
// by bgsim/jest (the native modules from the running simulation).
const path = require('path');

const shims = path.join(__dirname, 'jest');
// The Babel preset that compiles the expo packages' ESM: @babel/preset-env when the project has it,
// else Expo's own (every Expo app has babel-preset-expo); else the project's Babel config decides.
function babelPreset() {
  for (const name of ['@babel/preset-env', 'babel-preset-expo']) {
    try {
      const p = require.resolve(name, { paths: [process.cwd(), __dirname] });
      return name === '@babel/preset-env' ? [p, { targets: { node: 'current' } }] : p;
    } catch (e) {
      // not installed: try the next one
    }
  }
  return null;
}
const preset = babelPreset();
module.exports = {
  testEnvironment: 'node',
  moduleNameMapper: {
    '^expo-modules-core$': path.join(shims, 'expo-modules-core.js'),
    '^expo$': path.join(shims, 'expo.js'),
    '^react-native$': path.join(shims, 'react-native.js'),
  },
  transform: {
    '\\.[cm]?[jt]sx?$': preset ? ['babel-jest', { presets: [preset] }] : 'babel-jest',
  },
  transformIgnorePatterns: ['/node_modules/(?!(expo-background-task|expo-task-manager)/)'],
  globals: { __DEV__: true },
};
