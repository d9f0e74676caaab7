package dev.bgsim.bgt;

import android.content.Context;
import java.io.File;

/**
 * The bgsim scheduler core on Android: expo-background-task semantics over WorkManager.
 *
 * <pre>
 * // Application.onCreate (every process, including one WorkManager starts in the background):
 * BgtCore core = BgtCore.get(this);
 * core.defineTask("sync", (name, nowMs) -&gt; doSync() ? BgtCore.RESULT_SUCCESS : BgtCore.RESULT_FAILED);
 * // once, e.g. from a settings screen:
 * core.registerTask("sync", 15L);
 * </pre>
 *
 * <p>One instance per process ({@link #get}); every method is synchronized on it because the
 * native core is not thread-safe. Task callbacks run inside that lock on the worker thread and
 * may only call the read-only methods ({@link #isRegistered}, {@link #getRegisteredTasks},
 * {@link #getStatus}); other calls from a task fail with BGT_E_BUSY. The registry lives in
 * {@code getFilesDir()/bgsim/registry.bin}, saved by write-temp + fsync + rename.
 */
public final class BgtCore {
    public static final int STATUS_RESTRICTED = 1;
    public static final int STATUS_AVAILABLE = 2;
    public static final int RESULT_SUCCESS = 1;
    public static final int RESULT_FAILED = 2;

    private static String preset = "current";
    private static boolean triggerEnabled;
    private static BgtCore instance;

    private final long handle;
    private volatile BgtWorker currentWorker;

    /**
     * Choose the policy preset ("current" or "sdk52", core/bgt_policy.h) and whether
     * {@link #triggerForTesting} works (pass BuildConfig.DEBUG). Call before the first get().
     */
    public static synchronized void configure(String presetName, boolean debugTrigger) {
        if (instance != null) {
            throw new IllegalStateException("BgtCore.configure after BgtCore.get");
        }
        preset = presetName;
        triggerEnabled = debugTrigger;
    }

    /** The process's core, created and started (registry restored) on first use. */
    public static synchronized BgtCore get(Context context) {
        if (instance == null) {
            BgtNative.load();
            Context app = context.getApplicationContext();
            File dir = new File(app.getFilesDir(), "bgsim");
            if (!dir.isDirectory() && !dir.mkdirs()) {
                throw new BgtException(BgtNative.E_IO, "cannot create " + dir);
            }
            long h = BgtNative.create(new File(dir, "registry.bin").getPath(), preset,
                    triggerEnabled, new WorkManagerScheduler(app));
            check((int) Math.min(0L, h));
            BgtCore core = new BgtCore(h);
            // A corrupt registry must not keep the app from starting: start empty (logged).
            check(BgtNative.processStart(h, 1));
            instance = core;
        }
        return instance;
    }

    private BgtCore(long handle) {
        this.handle = handle;
    }

    private static int check(int rc) {
        if (rc < 0) {
            throw new BgtException(rc, BgtNative.strerror(rc));
        }
        return rc;
    }

    /** TaskManager.defineTask: this process's body for {@code name}. */
    public synchronized void defineTask(String name, BgtTask task) {
        check(BgtNative.defineTask(handle, name, task));
    }

    /** registerTaskAsync(name, { minimumInterval }); {@code minimumIntervalMin} may be null. */
    public synchronized void registerTask(String name, Long minimumIntervalMin) {
        check(BgtNative.register(handle, name, minimumIntervalMin != null,
                minimumIntervalMin != null ? minimumIntervalMin : 0L));
    }

    public synchronized void unregisterTask(String name) {
        check(BgtNative.unregister(handle, name));
    }

    public synchronized void unregisterAllTasks() {
        check(BgtNative.unregisterAll(handle));
    }

    public synchronized boolean isRegistered(String name) {
        for (String n : getRegisteredTasks()) {
            if (n.equals(name)) {
                return true;
            }
        }
        return false;
    }

    public synchronized String[] getRegisteredTasks() {
        String[] names = BgtNative.registeredTasks(handle);
        return names != null ? names : new String[0];
    }

    /** getStatusAsync: WorkManager is always available (Restricted only by policy). */
    public synchronized int getStatus() {
        return BgtNative.status(handle);
    }

    /** Call from your Activity lifecycle (ProcessLifecycleOwner ON_START / ON_STOP). */
    public synchronized void onForeground() {
        check(BgtNative.setForeground(handle, true));
    }

    public synchronized void onBackground() {
        check(BgtNative.setForeground(handle, false));
    }

    /** triggerTaskWorkerForTestingAsync: runs the worker logic in this process now. */
    public synchronized int triggerForTesting() {
        return check(BgtNative.trigger(handle));
    }

    /** True while the worker that is running tasks has been stopped by WorkManager. */
    public boolean isStopping() {
        BgtWorker w = currentWorker;
        return w != null && w.stopping();
    }

    /** The worker entry point (BgtWorker.doWork). */
    synchronized void runWorker(BgtWorker worker) {
        currentWorker = worker;
        try {
            int kind = BgtNative.workerBegin(handle);
            if (kind < 0) {
                return; // another run in progress, or the core is stopped: nothing to end
            }
            check(BgtNative.workerEnd(handle, worker.stopping()));
        } finally {
            currentWorker = null;
        }
    }
}
