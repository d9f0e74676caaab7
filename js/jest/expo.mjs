// The `expo` stand-in as an ES module, for Vitest (whose aliases reach only what Vite transforms;
// a CommonJS require of expo-modules-core would go to Node, which cannot load its TypeScript).
// Why a stand-in at all: jest/expo.js.
import { requireNativeModule, requireOptionalNativeModule } from 'expo-modules-core';

export { requireNativeModule, requireOptionalNativeModule };
export const isRunningInExpoGo = () => requireOptionalNativeModule('ExpoGo') != null;
