'use strict';
// The two native modules expo's JS asks for, served by bgsim/jest:
//   requireNativeModule('ExpoTaskManager')    -> ExpoTaskManager (expo-task-manager 57.x,
//                                               ios/TaskManagerModule.swift, android TaskManagerModule.kt)
//   requireNativeModule('ExpoBackgroundTask') -> ExpoBackgroundTask (expo-background-task 57.x,
//                                               ios/BackgroundTaskModule.swift)
// The task registry survives a process death (expo keeps it in persistent storage); the event
// listeners do not (they belong to the JS runtime).
//
// Registering and unregistering reach bgsim's core: each call is queued with the simulated time
// (sim.queueOp) and applied by the runner in call order when the wasm side regains control
// (tools/wasm/bgsim_harness.c). The promise resolves at once, as the native modules' do once
// they have stored the task; the registry below is what isTaskRegisteredAsync answers from.
const crypto = require('crypto');

const EVENT_NAME = 'TaskManager.executeTask'; // TaskManagerModule.swift EXECUTE_TASK_EVENT_NAME
const STATUS_AVAILABLE = 2; // BackgroundTaskStatus.Available

function makeNativeModules(sim) {
  const registry = new Map(); // taskName -> { taskName, taskType, options }
  let listeners = new Map(); // event -> [fn]
  let pending = new Map(); // taskName -> resolve(notifyTaskFinished response), for the run in progress

  function emit(event, body) {
    for (const fn of listeners.get(event) || []) fn(body);
  }
  function addListener(event, fn) {
    if (!listeners.has(event)) listeners.set(event, []);
    listeners.get(event).push(fn);
    return { remove: () => listeners.set(event, (listeners.get(event) || []).filter((f) => f !== fn)) };
  }

  // __expo_module_name__: a module of the new architecture, as the JSI host objects are, so
  // expo-modules-core's LegacyEventEmitter (which expo-task-manager wraps the module in) hands the
  // module back and its listeners are the module's own.
  const ExpoTaskManager = {
    __expo_module_name__: 'ExpoTaskManager',
    EVENT_NAME,
    addListener,
    removeListeners() {},
    async isAvailableAsync() { return true; },
    async isTaskRegisteredAsync(name) { return registry.has(name); },
    async getRegisteredTasksAsync() { return [...registry.values()]; },
    async getTaskOptionsAsync(name) { return registry.has(name) ? registry.get(name).options : null; },
    // expo-task-manager's own unregistration (TaskManager.unregisterTaskAsync, and its "not
    // defined" path: TaskManager.ts after notifyTaskFinishedAsync) stops the task in the core too.
    async unregisterTaskAsync(name) {
      if (registry.delete(name)) sim.log.push({ t: sim.now, level: 'harness', message: `unregistered ${name}` });
      sim.queueOp({ kind: 2, name });
    },
    async unregisterAllTasksAsync() {
      for (const name of registry.keys()) sim.queueOp({ kind: 2, name });
      registry.clear();
    },
    async notifyTaskFinishedAsync(name, response) {
      const done = pending.get(name);
      pending.delete(name);
      if (done) done(response || {});
    },
    // bgsim/jest's own: a run of `name` starts (EXTaskService executeTask:withData:withError:).
    expectFinish(name, resolve) { pending.set(name, resolve); },
    emitExecute(name) {
      const executionInfo = { eventId: crypto.randomUUID(), taskName: name, appState: 'background' };
      if (!(listeners.get(EVENT_NAME) || []).length) {
        // No JS listening: expo-task-manager's module was never loaded in this process.
        sim.log.push({ t: sim.now, level: 'harness', message: `no TaskManager loaded to run ${name}` });
        const done = pending.get(name);
        pending.delete(name);
        if (done) done({ result: null });
        return;
      }
      emit(EVENT_NAME, { data: {}, error: null, executionInfo });
    },
  };

  const ExpoBackgroundTask = {
    __expo_module_name__: 'ExpoBackgroundTask',
    addListener,
    removeListeners() {},
    async getStatusAsync() { return STATUS_AVAILABLE; },
    async registerTaskAsync(name, options = {}) {
      registry.set(name, { taskName: name, taskType: 'backgroundTask', options });
      // The interval expo's native side reads, in minutes: Android (options["minimumInterval"] as?
      // Number)?.toLong() (BackgroundTaskConsumer.kt), iOS `as? Int`, which a fractional number
      // fails (BackgroundTaskConsumer.swift): then the task has no interval of its own.
      const mi = options && typeof options.minimumInterval === 'number' ? options.minimumInterval : undefined;
      const minutes = mi === undefined ? undefined : sim.platform() === 'ios' ? (Number.isInteger(mi) ? mi : undefined) : Math.trunc(mi);
      sim.queueOp({ kind: 1, name, minimumInterval: minutes });
    },
    async unregisterTaskAsync(name) {
      registry.delete(name);
      sim.queueOp({ kind: 2, name });
    },
    async triggerTaskWorkerForTestingAsync() { return false; },
  };

  return {
    ExpoTaskManager,
    ExpoBackgroundTask,
    registry,
    /** A process death: listeners and runs in progress go with the JS runtime. */
    resetProcess() {
      listeners = new Map();
      pending = new Map();
    },
  };
}

module.exports = { makeNativeModules, EVENT_NAME };
