// Runs inside the WebAssembly build's module before main (emcc --pre-js), so the program sees its
// surroundings as the native one does:
// - its environment (BGSIM_GNUPLOT, PATH for gnuplot, ...) is Node's process.env, not emscripten's
//   small default one;
// - isatty(0..2) tells the truth: NODERAWFS marks the standard streams as terminals always, and
//   sweep/fleet would draw their progress bar into a pipe. Runs after FS.init (an init callback).
Module['preRun'] = (Module['preRun'] || []).concat([function () {
  for (var k in process.env) ENV[k] = process.env[k];
  addOnInit(function () {
    var tty = require('tty');
    for (var fd = 0; fd < 3; fd++) {
      if (FS.streams[fd]) FS.streams[fd].tty = tty.isatty(fd) ? FS.streams[fd].tty : undefined;
    }
  });
}]);
