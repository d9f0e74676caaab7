'use strict';
// Jest preset of bgsim (`"preset": "bgsim"` in a Jest config): the expo packages' ESM and
// expo-modules-core's TypeScript sources are compiled by babel-jest; requireNativeModule of the
// real expo-modules-core finds the two native modules bgsim serves at globalThis.expo.modules (set
// by bgsim.load). What expo-background-task imports from `expo` and what the packages import from
// react-native come from bgsim/jest's two stand-ins (jest/expo.js, jest/react-native.js say why).
const path = require('path');

const shims = path.join(__dirname, 'jest');
// The Babel presets that compile them: @babel/preset-env (+ @babel/preset-typescript) when the
// project has them, else Expo's own (every Expo app has babel-preset-expo, which does both); else
// the project's Babel config decides.
function resolve(name) {
  try {
    return require.resolve(name, { paths: [process.cwd(), __dirname] });
  } catch (e) {
    return null; // not installed
  }
}
function babelPresets() {
  const env = resolve('@babel/preset-env');
  const ts = resolve('@babel/preset-typescript');
  if (env && ts) return [[env, { targets: { node: 'current' } }], ts];
  const expo = resolve('babel-preset-expo');
  return expo ? [expo] : null;
}
const presets = babelPresets();
module.exports = {
  testEnvironment: 'node',
  moduleNameMapper: {
    '^expo$': path.join(shims, 'expo.js'),
    '^react-native$': path.join(shims, 'react-native.js'),
  },
  transform: {
    '\\.[cm]?[jt]sx?$': presets ? ['babel-jest', { presets }] : 'babel-jest',
  },
  transformIgnorePatterns: ['/node_modules/(?!(expo-background-task|expo-task-manager|expo-modules-core)/)'],
  globals: { __DEV__: true },
};
