package dev.bgsim.bgt;

import android.content.Context;
import androidx.work.Worker;
import androidx.work.WorkerParameters;

/**
 * The one WorkManager worker: calls the core's worker entry point. The process may have been
 * started by WorkManager just for this (a headless start): the app's Application.onCreate has
 * defined the tasks, and BgtCore.get restores the registry.
 *
 * <p>The result is always success (expo ignores task results, E2.5); if WorkManager stops the
 * worker (onStopped), the run ends as EXPIRED in the core.
 */
public final class BgtWorker extends Worker {
    public BgtWorker(Context context, WorkerParameters params) {
        super(context, params);
    }

    @Override
    public Result doWork() {
        BgtCore.get(getApplicationContext()).runWorker(this);
        return Result.success();
    }

    boolean stopping() {
        return isStopped();
    }
}
