package dev.bgsim.bgt;

import android.content.Context;
import androidx.work.Constraints;
import androidx.work.ExistingWorkPolicy;
import androidx.work.NetworkType;
import androidx.work.OneTimeWorkRequest;
import androidx.work.WorkInfo;
import androidx.work.WorkManager;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The core's one worker as WorkManager unique work (docs/SOURCES.md E2.3:
 * enqueueUniqueWork with a OneTimeWorkRequest, REPLACE at the first schedule, APPEND for the
 * successor chained behind the running worker; cancelUniqueWork; getWorkInfosForUniqueWork).
 *
 * <p>APPEND, not APPEND_OR_REPLACE, as expo does: if the running worker is cancelled or fails, its
 * appended successor is cancelled too, and the chain ends until the next registration or process
 * start re-schedules it. That is expo's behaviour, kept on purpose.
 */
final class WorkManagerScheduler implements BgtNative.Scheduler {
    /** The unique work name: BgtCore.configure's, by default expo's "EXPO_BACKGROUND_WORKER"
     * (BackgroundTaskScheduler.kt WORKER_IDENTIFIER), so a switch from expo keeps the OS's state. */
    private final String uniqueWorkName;
    private final Context context;

    WorkManagerScheduler(Context context, String uniqueWorkName) {
        this.context = context.getApplicationContext();
        this.uniqueWorkName = uniqueWorkName;
    }

    @Override
    public int schedule(long delayMs, int constraints, boolean append) {
        Constraints.Builder c = new Constraints.Builder();
        if ((constraints & BgtNative.CONSTRAINT_NETWORK) != 0) {
            c.setRequiredNetworkType(NetworkType.CONNECTED);
        }
        if ((constraints & BgtNative.CONSTRAINT_BATTERY_NOT_LOW) != 0) {
            c.setRequiresBatteryNotLow(true);
        }
        if ((constraints & BgtNative.CONSTRAINT_CHARGING) != 0) {
            c.setRequiresCharging(true);
        }
        OneTimeWorkRequest request = new OneTimeWorkRequest.Builder(BgtWorker.class)
                .setInitialDelay(Math.max(0L, delayMs), TimeUnit.MILLISECONDS)
                .setConstraints(c.build())
                .build();
        WorkManager.getInstance(context).enqueueUniqueWork(uniqueWorkName,
                append ? ExistingWorkPolicy.APPEND : ExistingWorkPolicy.REPLACE, request);
        return 0;
    }

    @Override
    public int cancel() {
        WorkManager.getInstance(context).cancelUniqueWork(uniqueWorkName);
        return 0;
    }

    /**
     * The most advanced live state of the unique work chain. Blocks on WorkManager's database
     * (a short read); called from the worker thread or from BgtCore on the caller's thread.
     */
    @Override
    public int query() {
        List<WorkInfo> infos;
        try {
            infos = WorkManager.getInstance(context).getWorkInfosForUniqueWork(uniqueWorkName)
                    .get();
        } catch (ExecutionException e) {
            return BgtNative.E_BACKEND;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return BgtNative.E_BACKEND;
        }
        int state = 0;
        for (WorkInfo info : infos) {
            switch (info.getState()) {
                case RUNNING:
                    state = Math.max(state, 3);
                    break;
                case BLOCKED:
                    state = Math.max(state, 2);
                    break;
                case ENQUEUED:
                    state = Math.max(state, 1);
                    break;
                default: // SUCCEEDED, FAILED, CANCELLED: finished, not a live worker
                    break;
            }
        }
        return state;
    }
}
