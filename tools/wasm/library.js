// JavaScript functions the WebAssembly build of bgsim calls (emcc --js-library). Each replaces a
// POSIX call that wasm does not have, with Node's equivalent.
mergeInto(LibraryManager.library, {
  // rep_gnuplot_run (reports/rep_gnuplot.c): fork + chdir + execlp + waitpid. Runs PROG ARG in DIR
  // with our stdin/stdout/stderr; returns 0 and a wait(2) status (exit code << 8, or the signal
  // number), or the errno (as this libc numbers it) when the program could not be started.
  bgsim_wasm_spawn__deps: ['$ERRNO_CODES', '$ENV'], // $ENV: read by pre.js
  bgsim_wasm_spawn: function (dir, prog, arg, waitStatus) {
    var cp = require('child_process');
    var os = require('os');
    var r = cp.spawnSync(UTF8ToString(prog), [UTF8ToString(arg)], { cwd: UTF8ToString(dir), stdio: 'inherit' });
    if (r.error) {
      var code = ERRNO_CODES[r.error.code];
      return code ? code : ERRNO_CODES.ENOENT;
    }
    var st = r.signal ? (os.constants.signals[r.signal] || 0) & 0x7f : (r.status & 0xff) << 8;
    HEAP32[waitStatus >> 2] = st;
    return 0;
  },
});
