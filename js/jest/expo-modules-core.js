'use strict';
// What expo-background-task and expo-task-manager 57.x import from expo-modules-core, for tests:
// requireNativeModule serves the two native modules from the running bgsim simulation
// (globalThis.__bgsim, set by bgsim.load; ./native.js); the rest is the small part of
// expo-modules-core their JS uses. Mapped in by bgsim's jest-preset.js (moduleNameMapper).
class UnavailabilityError extends Error {
  constructor(moduleName, propertyName) {
    super(`The method or property ${moduleName}.${propertyName} is not available on ${Platform.OS}, are you sure you've linked all the native dependencies properly?`);
    this.code = 'ERR_UNAVAILABLE';
  }
}

function sim() {
  const s = globalThis.__bgsim;
  if (!s) throw new Error('bgsim: no simulation loaded: call bgsim.load(scenario) before requiring the app');
  return s;
}

function requireNativeModule(name) {
  const m = requireOptionalNativeModule(name);
  if (!m) throw new Error(`Cannot find native module '${name}'`);
  return m;
}

function requireOptionalNativeModule(name) {
  return sim().native[name] || null;
}

// expo-modules-core's LegacyEventEmitter over a native module: listeners go to the module.
class LegacyEventEmitter {
  constructor(nativeModule) { this._nativeModule = nativeModule; }
  addListener(eventName, listener) { return this._nativeModule.addListener(eventName, listener); }
  removeAllListeners() {}
  removeSubscription(subscription) { subscription.remove(); }
  emit() {}
}

const Platform = {
  get OS() { return globalThis.__bgsim ? globalThis.__bgsim.platform() : 'android'; },
  select(spec) { return spec[this.OS] !== undefined ? spec[this.OS] : spec.default; },
};

module.exports = {
  requireNativeModule, requireOptionalNativeModule, LegacyEventEmitter, EventEmitter: LegacyEventEmitter,
  Platform, UnavailabilityError,
};
