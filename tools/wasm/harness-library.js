// JavaScript side of tools/wasm/bgsim_harness.c (emcc --js-library, with ASYNCIFY): the module's
// owner (js/jest/index.js) sets Module.onTask, Module.onApp, Module.nextOp, Module.opDone and
// Module.onStarted.
mergeInto(LibraryManager.library, {
  // A task run: suspends the wasm stack (Asyncify.handleSleep) until Module.onTask's promise
  // settles with {result, durationMs}; simulated time does not move meanwhile.
  bgsim_js_task: function (name, nowMs, processStarts, modeledResult, durationPtr) {
    return Asyncify.handleSleep(function (wakeUp) {
      var call = {
        name: UTF8ToString(name), nowMs: nowMs, processStarts: processStarts,
        modeledResult: modeledResult, modeledDurationMs: HEAPF64[durationPtr >> 3],
      };
      Promise.resolve().then(function () { return Module['onTask'](call); }).then(function (r) {
        HEAPF64[durationPtr >> 3] = r.durationMs;
        wakeUp(r.result);
      }, function (e) {
        Module['taskError'] = e;
        wakeUp(0);
      });
    });
  },
  // The app's code may have run (a new process loads it, the test's next advance() comes):
  // suspends until Module.onApp's promise settles with the next time to wake at (-1: none).
  bgsim_js_app: function (point, nowMs, processStarts) {
    return Asyncify.handleSleep(function (wakeUp) {
      Promise.resolve().then(function () { return Module['onApp'](point, nowMs, processStarts); }).then(function (t) {
        wakeUp(t);
      }, function (e) {
        Module['taskError'] = e;
        wakeUp(-1);
      });
    });
  },
  // The oldest queued registration or unregistration (synchronous: the queue is plain JS).
  bgsim_js_next_op: function (namePtr, cap, intervalPtr) {
    var op = Module['nextOp']();
    if (!op) return 0;
    stringToUTF8(op.name, namePtr, cap);
    HEAPF64[intervalPtr >> 3] = op.minimumInterval === undefined || op.minimumInterval === null ? -1 : op.minimumInterval;
    return op.kind;
  },
  bgsim_js_op_done: function (rc) {
    Module['opDone'](rc);
  },
  bgsim_js_started: function (startEpochMs, durationMs, platform) {
    Module['onStarted'](startEpochMs, durationMs, UTF8ToString(platform));
  },
});
