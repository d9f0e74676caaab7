// JavaScript side of tools/wasm/bgsim_harness.c (emcc --js-library, with ASYNCIFY): the module's
// owner (js/jest/index.js) sets Module.onTask and Module.onStarted.
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
  bgsim_js_started: function (startEpochMs, durationMs, platform) {
    Module['onStarted'](startEpochMs, durationMs, UTF8ToString(platform));
  },
});
