package dev.bgsim.bgt;

import java.io.File;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the real JNI glue (libbgsim_jni, built on the host against the JDK's jni.h) and BgtCore
 * inside a JVM, with a recording scheduler in place of WorkManager. Part 1: natives bind,
 * schedule/cancel/query reach Java with the core's arguments, the registry file survives a new
 * handle. Part 2 (issue 22, 1): while tasks run, calls from another thread (the main thread on a
 * device) return at once; the tasks of one run overlap in time; a stop (WorkManager onStopped)
 * ends the run at once and fires the expiration listeners; the testing trigger returns at once.
 * Every wait is bounded, so a regression fails instead of hanging. Not an Android test:
 * WorkManager itself is not here.
 */
public final class JniSmoke {
    private static int passed, failed;

    private static void check(boolean ok, String what) {
        if (ok) {
            passed++;
        } else {
            failed++;
            System.out.println("FAIL: " + what);
        }
    }

    static final class Recorder implements BgtNative.Scheduler {
        final List<String> calls = Collections.synchronizedList(new ArrayList<String>());
        volatile int state;

        @Override
        public int schedule(long delayMs, int constraints, boolean append) {
            calls.add("schedule " + delayMs + " " + constraints + " " + (append ? "APPEND" : "REPLACE"));
            state = 1;
            return 0;
        }

        @Override
        public int cancel() {
            calls.add("cancel");
            state = 0;
            return 0;
        }

        @Override
        public int query() {
            return state;
        }
    }

    /** A task that says it started, then blocks until released (bounded). */
    static final class Blocking implements BgtTask {
        final CountDownLatch started;
        final CountDownLatch release;
        final CyclicBarrier together; // null, or: every task must be inside run() at once
        final AtomicBoolean metTheOthers = new AtomicBoolean();
        final int result;

        Blocking(CountDownLatch started, CountDownLatch release, CyclicBarrier together, int result) {
            this.started = started;
            this.release = release;
            this.together = together;
            this.result = result;
        }

        @Override
        public int run(String name, long nowMs) {
            started.countDown();
            try {
                if (together != null) {
                    together.await(5, TimeUnit.SECONDS);
                    metTheOthers.set(true);
                }
                release.await(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                return 0; // a timed-out barrier: the tasks did not overlap
            }
            return result;
        }
    }

    private static Thread worker(final BgtCore core) {
        Thread t = new Thread(new Runnable() {
            @Override
            public void run() {
                core.runWorker(); // what BgtWorker.doWork does on its WorkManager thread
            }
        }, "fake-workmanager");
        t.start();
        return t;
    }

    private static void natives(String reg) {
        Recorder rec = new Recorder();
        long h = BgtNative.create(reg, "current", true, rec);
        check(h > 0, "create returns a handle");
        check(BgtNative.create(reg, "no-such-preset", false, rec) == -17, "unknown preset is BGT_E_UNKNOWN_PRESET");
        check(BgtNative.processStart(h, 0) == 0, "fresh install starts");
        check(BgtNative.defineTask(h, "a") == 0 && BgtNative.defineTask(h, "b") == 0, "define a, b");
        check(BgtNative.register(h, "a", true, 15) == 0, "register a");
        check(BgtNative.register(h, "b", false, 0) == 0, "register b");
        check(BgtNative.register(h, "undefined", false, 0) == -5, "register undefined is BGT_E_NOT_DEFINED");
        check(rec.calls.equals(Arrays.asList("schedule 900000 1 REPLACE")),
              "first registration schedules REPLACE, its 15 min, network; got " + rec.calls);
        check(Arrays.equals(BgtNative.registeredTasks(h), new String[] {"a", "b"}), "registered list");
        check(BgtNative.status(h) == BgtCore.STATUS_AVAILABLE, "status available");

        rec.calls.clear();
        rec.state = 3;
        check(BgtNative.workerBegin(h, false) == BgtNative.RUN_RAN, "worker ran");
        check(Arrays.equals(BgtNative.pendingTasks(h), new String[] {"a", "b"}), "begin starts both, pending");
        check(rec.calls.isEmpty(), "no successor before the tasks report");
        check(BgtNative.workerSetResult(h, "a", BgtCore.RESULT_SUCCESS) == 0, "a reports");
        check(BgtNative.workerSetResult(h, "a", BgtCore.RESULT_SUCCESS) == -6, "a reports once (BGT_E_NOT_FOUND)");
        check(BgtNative.workerEnd(h, false) == 1, "successor scheduled");
        check(rec.calls.equals(Arrays.asList("schedule 86400000 1 APPEND")), "successor APPENDed; got " + rec.calls);
        check(BgtNative.workerBegin(h, true) == BgtNative.RUN_RAN, "trigger begins");
        check(BgtNative.workerEnd(h, false) == 1, "trigger ends");
        check(BgtNative.strerror(-6).length() > 0, "strerror");
        BgtNative.free(h);

        Recorder rec2 = new Recorder();
        long h2 = BgtNative.create(reg, "current", false, rec2);
        check(BgtNative.processStart(h2, 0) == 0, "restart restores");
        check(Arrays.equals(BgtNative.registeredTasks(h2), new String[] {"a", "b"}), "registry survived the handle");
        check(BgtNative.workerBegin(h2, true) == -9, "trigger disabled in release is BGT_E_UNAVAILABLE");
        check(BgtNative.unregisterAll(h2) == 0 && rec2.calls.contains("cancel"), "unregister all cancels");
        BgtNative.free(h2);
    }

    /** Main-thread calls return while tasks run; the tasks overlap; the run ends when both do. */
    private static void noLockWhileTasksRun(String reg) throws Exception {
        Recorder rec = new Recorder();
        BgtCore core = BgtCore.create(reg, "current", false, rec);
        CountDownLatch started = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        CyclicBarrier together = new CyclicBarrier(2);
        Blocking a = new Blocking(started, release, together, BgtCore.RESULT_SUCCESS);
        Blocking b = new Blocking(started, release, together, BgtCore.RESULT_FAILED);
        core.defineTask("a", a);
        core.defineTask("b", b);
        core.registerTask("a", 15L);
        core.registerTask("b", 15L);
        rec.calls.clear();
        Thread w = worker(core);
        check(started.await(5, TimeUnit.SECONDS), "both tasks started");
        long t0 = System.nanoTime();
        core.onForeground();   // the main thread, while both tasks are running
        core.onBackground();
        core.registerTask("a", 15L);
        int status = core.getStatus();
        boolean registered = core.isRegistered("b");
        long ms = (System.nanoTime() - t0) / 1000000L;
        check(ms < 2000, "main-thread calls returned in " + ms + " ms while tasks ran");
        check(status == BgtCore.STATUS_AVAILABLE && registered, "reads work during a run");
        check(w.isAlive(), "the run is still in progress (tasks blocked)");
        Thread.sleep(200);
        check(a.metTheOthers.get() && b.metTheOthers.get(), "tasks of one run overlap in time (awaitAll)");
        check(rec.calls.isEmpty(), "no successor while tasks run; got " + rec.calls);
        release.countDown();
        w.join(5000);
        check(!w.isAlive(), "the run ended once both tasks finished");
        check(rec.calls.equals(Arrays.asList("schedule 900000 1 APPEND")),
              "successor APPENDed at completion; got " + rec.calls);
    }

    /** WorkManager stops the worker: the run ends at once, listeners fire, a late result is dropped. */
    private static void stopFiresExpiration(String reg) throws Exception {
        Recorder rec = new Recorder();
        BgtCore core = BgtCore.create(reg, "current", false, rec);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger expirations = new AtomicInteger();
        core.addExpirationListener(new BgtCore.ExpirationListener() {
            @Override
            public void onTasksExpired() {
                expirations.incrementAndGet();
            }
        });
        core.defineTask("slow", new Blocking(started, release, null, BgtCore.RESULT_SUCCESS));
        core.registerTask("slow", 15L);
        rec.calls.clear();
        Thread w = worker(core);
        check(started.await(5, TimeUnit.SECONDS), "slow started");
        check(!core.isStopping(), "not stopping before the stop");
        core.stopRun(); // what BgtWorker.onStopped does
        w.join(2000);
        check(!w.isAlive(), "doWork returned at the stop, before the task finished");
        check(expirations.get() == 1, "expiration listener fired once; got " + expirations.get());
        check(core.isStopping(), "isStopping after the stop");
        core.stopRun();
        check(expirations.get() == 1, "a second stop of the same run fires nothing");
        check(rec.calls.isEmpty(), "Android: no successor after a stop (E2.5 No timeout); got " + rec.calls);
        release.countDown(); // the task now returns; its result must be dropped quietly
        Thread.sleep(200);
        CountDownLatch started2 = new CountDownLatch(1);
        CountDownLatch release2 = new CountDownLatch(0);
        core.defineTask("slow", new Blocking(started2, release2, null, BgtCore.RESULT_SUCCESS));
        Thread w2 = worker(core);
        w2.join(5000);
        check(started2.getCount() == 0 && !w2.isAlive(), "the next run works after a late result");
    }

    /** The testing trigger returns at once with the tasks started, and they finish later. */
    private static void triggerReturnsAtOnce(String reg) throws Exception {
        Recorder rec = new Recorder();
        BgtCore core = BgtCore.create(reg, "current", true, rec);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        core.defineTask("t", new Blocking(started, release, null, BgtCore.RESULT_SUCCESS));
        core.registerTask("t", 15L);
        rec.calls.clear();
        long t0 = System.nanoTime();
        int n = core.triggerForTesting();
        long ms = (System.nanoTime() - t0) / 1000000L;
        check(n == 1 && ms < 2000, "trigger returned " + n + " in " + ms + " ms");
        check(started.await(5, TimeUnit.SECONDS), "triggered task ran");
        release.countDown();
        for (int i = 0; i < 50 && rec.calls.isEmpty(); i++) {
            Thread.sleep(100);
        }
        check(rec.calls.equals(Arrays.asList("schedule 900000 1 APPEND")), "trigger's run ended; got " + rec.calls);
    }

    public static void main(String[] args) throws Exception {
        File dir = Files.createTempDirectory("bgsim-jni").toFile();
        BgtNative.load();
        String[] regs = new String[4];
        for (int i = 0; i < regs.length; i++) {
            regs[i] = new File(dir, "registry" + i + ".bin").getPath();
        }
        natives(regs[0]);
        noLockWhileTasksRun(regs[1]);
        stopFiresExpiration(regs[2]);
        triggerReturnsAtOnce(regs[3]);
        for (String r : regs) {
            new File(r).delete();
        }
        dir.delete();
        System.out.println(passed + " passed, " + failed + " failed");
        System.exit(failed == 0 ? 0 : 1);
    }
}
