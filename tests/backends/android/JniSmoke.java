package dev.bgsim.bgt;

import java.io.File;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs the real JNI glue (libbgsim_jni, built on the host against the JDK's jni.h) inside a JVM,
 * with a recording scheduler in place of WorkManager: natives bind, schedule/cancel/query reach
 * Java with the core's arguments, tasks are called, a throwing task counts as no result, and the
 * registry file survives a new handle. Not an Android test: WorkManager itself is not here.
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
        final List<String> calls = new ArrayList<>();
        int state;

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

    public static void main(String[] args) throws Exception {
        File dir = Files.createTempDirectory("bgsim-jni").toFile();
        String reg = new File(dir, "registry.bin").getPath();
        BgtNative.load();

        Recorder rec = new Recorder();
        long h = BgtNative.create(reg, "current", true, rec);
        check(h > 0, "create returns a handle");
        check(BgtNative.create(reg, "no-such-preset", false, rec) == -17, "unknown preset is BGT_E_UNKNOWN_PRESET");
        check(BgtNative.processStart(h, 0) == 0, "fresh install starts");
        final int[] ran = new int[2];
        check(BgtNative.defineTask(h, "a", (name, now) -> { ran[0]++; return BgtCore.RESULT_SUCCESS; }) == 0, "define a");
        check(BgtNative.defineTask(h, "boom", (name, now) -> { ran[1]++; throw new IllegalStateException("task failure"); }) == 0, "define boom");
        check(BgtNative.register(h, "a", true, 15) == 0, "register a");
        check(BgtNative.register(h, "boom", false, 0) == 0, "register boom");
        check(BgtNative.register(h, "undefined", false, 0) == -5, "register undefined is BGT_E_NOT_DEFINED");
        check(rec.calls.equals(Arrays.asList("schedule 900000 1 REPLACE")),
              "first registration schedules REPLACE, its 15 min, network; got " + rec.calls);
        check(Arrays.equals(BgtNative.registeredTasks(h), new String[] {"a", "boom"}), "registered list");
        check(BgtNative.status(h) == BgtCore.STATUS_AVAILABLE, "status available");

        rec.calls.clear();
        rec.state = 3;
        check(BgtNative.workerBegin(h) == BgtNative.RUN_RAN, "worker ran");
        check(ran[0] == 1 && ran[1] == 1, "both tasks called, the throwing one too");
        check(BgtNative.workerEnd(h, false) == 1, "successor scheduled");
        check(rec.calls.equals(Arrays.asList("schedule 86400000 1 APPEND")), "successor APPENDed; got " + rec.calls);
        check(BgtNative.trigger(h) == 2, "trigger runs both tasks");
        check(BgtNative.strerror(-6).length() > 0, "strerror");
        BgtNative.free(h);

        Recorder rec2 = new Recorder();
        long h2 = BgtNative.create(reg, "current", false, rec2);
        check(BgtNative.processStart(h2, 0) == 0, "restart restores");
        check(Arrays.equals(BgtNative.registeredTasks(h2), new String[] {"a", "boom"}), "registry survived the handle");
        check(BgtNative.trigger(h2) == -9, "trigger disabled in release is BGT_E_UNAVAILABLE");
        check(BgtNative.unregisterAll(h2) == 0 && rec2.calls.contains("cancel"), "unregister all cancels");
        BgtNative.free(h2);
        new File(reg).delete();
        dir.delete();
        System.out.println(passed + " passed, " + failed + " failed");
        System.exit(failed == 0 ? 0 : 1);
    }
}
