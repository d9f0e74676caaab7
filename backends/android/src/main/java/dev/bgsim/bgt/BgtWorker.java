package dev.bgsim.bgt;

import android.content.Context;
import androidx.work.Worker;
import androidx.work.WorkerParameters;

/**
 * The one WorkManager worker: calls the core's worker entry point. The process may have been
 * started by WorkManager just for this (a headless start): the app's Application.onCreate has
 * defined the tasks, and BgtCore.get restores the registry.
 *
 * <p>doWork blocks this WorkManager thread (not the main thread) until every task finished or
 * the worker was stopped. The result is always success (expo ignores task results, E2.5). If
 * WorkManager stops the worker (ListenableWorker.onStopped), the run ends as EXPIRED in the core
 * at once and the expiration listeners fire: the Android counterpart of expo's iOS expiration
 * handler (BackgroundTaskAppDelegate.swift); expo's CoroutineWorker (BackgroundTaskWork.kt
 * doWork) is just cancelled there and tells the app nothing.
 */
public final class BgtWorker extends Worker {
    public BgtWorker(Context context, WorkerParameters params) {
        super(context, params);
    }

    @Override
    public Result doWork() {
        BgtCore.get(getApplicationContext()).runWorker();
        return Result.success();
    }

    @Override
    public void onStopped() {
        super.onStopped();
        BgtCore.get(getApplicationContext()).stopRun();
    }
}
