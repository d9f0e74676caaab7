package dev.bgsim.bgt;

import android.content.Context;
import java.io.File;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

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
 * <p>One instance per process ({@link #get}). The native core is not thread-safe, so every call
 * into it holds this object's lock, but only for the native call itself (scheduler and storage
 * work, milliseconds): task bodies run outside the lock, in parallel, on a thread pool (issue 22,
 * 1). So {@link #onForeground()} or {@link #registerTask} on the main thread never wait for a
 * running task. The registry lives in {@code getFilesDir()/bgsim/registry.bin}, saved by
 * write-temp + fsync + rename.
 *
 * <p>API 23-25: expo-background-task 57.0.21 (BackgroundTaskScheduler.kt scheduleWorker, below
 * {@code Build.VERSION_CODES.O}) enqueues a PeriodicWorkRequest without input data, whose worker
 * then throws MissingAppScopeKey (BackgroundTaskWork.kt doWork): tasks never run there. This glue
 * does not copy that: it enqueues the same OneTimeWorkRequest chain on every API level from 23
 * (setInitialDelay(long, TimeUnit) needs no java.time), so tasks run on 23-25 as on 26+.
 */
public final class BgtCore {
    public static final int STATUS_RESTRICTED = 1;
    public static final int STATUS_AVAILABLE = 2;
    public static final int RESULT_SUCCESS = 1;
    public static final int RESULT_FAILED = 2;
    /** expo's unique work name (BackgroundTaskScheduler.kt WORKER_IDENTIFIER). */
    public static final String EXPO_WORK_NAME = "EXPO_BACKGROUND_WORKER";

    /** Told when the OS stopped a run before its tasks finished (expo's addExpirationListener). */
    public interface ExpirationListener {
        /** Called once per stopped run, on the thread that reported the stop; keep it short. */
        void onTasksExpired();
    }

    private static String preset = "current";
    private static boolean triggerEnabled;
    private static String workName = EXPO_WORK_NAME;
    private static BgtCore instance;

    private final long handle;
    private final Map<String, BgtTask> bodies = new ConcurrentHashMap<>();
    private final List<ExpirationListener> expirationListeners = new CopyOnWriteArrayList<>();
    private final ExecutorService pool = Executors.newCachedThreadPool(new ThreadFactory() {
        private final AtomicInteger n = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "bgsim-task-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    });
    private Run current; // guarded by this; the run in progress, or the last one

    /** One worker run: its tasks finish, or the OS stops it, whichever comes first. */
    private static final class Run {
        final int started;
        final AtomicInteger remaining;
        final CountDownLatch over = new CountDownLatch(1);
        volatile boolean expired;
        boolean ended; // guarded by BgtCore.this

        Run(int n) {
            started = n;
            remaining = new AtomicInteger(n);
            if (n == 0) {
                over.countDown();
            }
        }
    }

    /**
     * Choose the policy preset ("current" or "sdk52", core/bgt_policy.h) and whether
     * {@link #triggerForTesting} works (pass BuildConfig.DEBUG). Call before the first get().
     */
    public static synchronized void configure(String presetName, boolean debugTrigger) {
        configure(presetName, debugTrigger, EXPO_WORK_NAME);
    }

    /**
     * As above, with the WorkManager unique work name. The default is expo's, so that an app
     * switching from expo-background-task keeps (and replaces) the work WorkManager already has.
     */
    public static synchronized void configure(String presetName, boolean debugTrigger,
                                              String uniqueWorkName) {
        if (instance != null) {
            throw new IllegalStateException("BgtCore.configure after BgtCore.get");
        }
        preset = presetName;
        triggerEnabled = debugTrigger;
        workName = uniqueWorkName;
    }

    /** The process's core, created and started (registry restored) on first use. */
    public static synchronized BgtCore get(Context context) {
        if (instance == null) {
            Context app = context.getApplicationContext();
            File dir = new File(app.getFilesDir(), "bgsim");
            if (!dir.isDirectory() && !dir.mkdirs()) {
                throw new BgtException(BgtNative.E_IO, "cannot create " + dir);
            }
            instance = create(new File(dir, "registry.bin").getPath(), preset, triggerEnabled,
                    new WorkManagerScheduler(app, workName));
        }
        return instance;
    }

    /** A started core on any scheduler (get() passes WorkManager's; tests pass a fake). */
    static BgtCore create(String registryPath, String presetName, boolean trigger,
                          BgtNative.Scheduler scheduler) {
        BgtNative.load();
        long h = BgtNative.create(registryPath, presetName, trigger, scheduler);
        check((int) Math.min(0L, h));
        BgtCore core = new BgtCore(h);
        // A corrupt registry must not keep the app from starting: start empty (logged).
        check(BgtNative.processStart(h, 1));
        return core;
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
        if (task == null) {
            throw new BgtException(-1, "defineTask: null task");
        }
        check(BgtNative.defineTask(handle, name));
        bodies.put(name, task);
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

    /** expo's addExpirationListener, on Android fed by WorkManager's onStopped. */
    public void addExpirationListener(ExpirationListener l) {
        expirationListeners.add(l);
    }

    public void removeExpirationListener(ExpirationListener l) {
        expirationListeners.remove(l);
    }

    /**
     * triggerTaskWorkerForTestingAsync: starts the worker logic in this process now and returns
     * at once with the number of tasks started (they finish in the background, like expo's
     * BackgroundTaskModule.kt triggerTaskWorkerForTestingAsync, which launches runTasks in a
     * coroutine). BgtException BGT_E_UNAVAILABLE unless enabled by {@link #configure}.
     */
    public int triggerForTesting() {
        final Run run = begin(true);
        if (run == null) {
            return 0;
        }
        pool.execute(new Runnable() {
            @Override
            public void run() {
                awaitAndEnd(run);
            }
        });
        return run.started;
    }

    /** True once WorkManager stopped the run in progress (or the last run): tasks poll it. */
    public synchronized boolean isStopping() {
        return current != null && current.expired;
    }

    /** The worker entry point (BgtWorker.doWork): blocks its WorkManager thread until the run is over. */
    void runWorker() {
        Run run = begin(false);
        if (run != null) {
            awaitAndEnd(run);
        }
    }

    /**
     * WorkManager stopped the worker (BgtWorker.onStopped): the run ends now as EXPIRED, the
     * listeners are told, and results that come later are dropped. expo's iOS expiration handler
     * does the same in this order: post onTasksExpired, setTaskCompleted(false), reschedule
     * (BackgroundTaskAppDelegate.swift, expirationHandler).
     */
    void stopRun() {
        Run run;
        synchronized (this) {
            run = current;
            if (run == null || run.ended) {
                return;
            }
            run.expired = true;
        }
        for (ExpirationListener l : expirationListeners) {
            l.onTasksExpired();
        }
        end(run);
        run.over.countDown();
    }

    /** Begin under the lock, then start every task body on the pool; null if nothing runs. */
    private Run begin(boolean trigger) {
        final Run run;
        final String[] names;
        synchronized (this) {
            int kind = BgtNative.workerBegin(handle, trigger);
            if (trigger) {
                check(kind);
            }
            if (kind < 0) {
                return null; // another run in progress, or the core is stopped: nothing to end
            }
            names = BgtNative.pendingTasks(handle);
            if (names == null) { // out of memory in the JNI: end now, the tasks count as none
                check(BgtNative.workerEnd(handle, false));
                return null;
            }
            run = new Run(names.length);
            current = run;
        }
        final long now = System.currentTimeMillis();
        for (final String name : names) {
            pool.execute(new Runnable() {
                @Override
                public void run() {
                    runOne(run, name, now);
                }
            });
        }
        return run;
    }

    private void runOne(Run run, String name, long now) {
        int result = 0;
        BgtTask body = bodies.get(name);
        try {
            if (body != null) {
                result = body.run(name, now);
            }
        } catch (RuntimeException e) {
            // expo: an executor that throws still finishes, with a null result (E4.3)
            System.err.println("bgsim: task '" + name + "' threw " + e + "; counted as no result");
        }
        synchronized (this) {
            if (!run.ended) {
                BgtNative.workerSetResult(handle, name, result);
            }
        }
        if (run.remaining.decrementAndGet() == 0) {
            run.over.countDown();
        }
    }

    private void awaitAndEnd(Run run) {
        boolean interrupted = false;
        while (true) {
            try {
                run.over.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        end(run);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void end(Run run) {
        if (run.ended) {
            return;
        }
        run.ended = true;
        check(BgtNative.workerEnd(handle, run.expired));
    }
}
