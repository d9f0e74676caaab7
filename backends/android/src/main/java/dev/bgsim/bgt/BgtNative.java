package dev.bgsim.bgt;

/**
 * The JNI surface of the core (backends/android/jni/bgt_jni.c binds these with RegisterNatives).
 * Not thread-safe: {@link BgtCore} calls it under its lock. No native call runs task code: the
 * core's callback only notes which tasks to run (see bgt_jni.c). Every int result is a core code:
 * 0 or more is success, a negative value is a bgt_err (see core/bgt_error.h).
 */
final class BgtNative {
    private BgtNative() {}

    /** What the native backend calls while a native method runs (same thread). */
    interface Scheduler {
        /** Enqueue the one worker: delay in ms, BGT_CONSTRAINT_* bits, APPEND or REPLACE. */
        int schedule(long delayMs, int constraints, boolean append);
        /** Remove the worker, enqueued, blocked or running. */
        int cancel();
        /** 0 none, 1 enqueued, 2 blocked, 3 running; or a negative error. */
        int query();
    }

    static final int CONSTRAINT_NETWORK = 1;
    static final int CONSTRAINT_BATTERY_NOT_LOW = 2;
    static final int CONSTRAINT_CHARGING = 4;
    static final int E_BACKEND = -11;
    static final int E_IO = -10;
    static final int RUN_RAN = 1;

    static void load() {
        System.loadLibrary("bgsim_jni");
    }

    static native long create(String registryPath, String preset, boolean triggerEnabled,
                              Scheduler scheduler);
    static native void free(long h);
    static native int processStart(long h, int flags);
    static native int setForeground(long h, boolean foreground);
    static native int defineTask(long h, String name);
    static native int register(long h, String name, boolean hasInterval, long intervalMin);
    static native int unregister(long h, String name);
    static native int unregisterAll(long h);
    static native String[] registeredTasks(long h);
    static native int status(long h);
    /** Begin a run (trigger: the testing helper's, checked against the policy): the run kind or
     * a negative error. Then pendingTasks, workerSetResult per task, workerEnd once. */
    static native int workerBegin(long h, boolean trigger);
    /** The tasks the last workerBegin started (their results are pending). */
    static native String[] pendingTasks(long h);
    static native int workerSetResult(long h, String name, int result);
    static native int workerEnd(long h, boolean expired);
    static native String strerror(int rc);
}
