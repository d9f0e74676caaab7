package dev.bgsim.bgt;

/**
 * A task body, as given to {@link BgtCore#defineTask} (expo-task-manager's defineTask).
 *
 * <p>Called on the WorkManager worker thread, synchronously, once per worker run, in registration
 * order. Return {@link BgtCore#RESULT_SUCCESS} or {@link BgtCore#RESULT_FAILED}; anything else
 * (or a thrown exception) counts as "no result". Asynchronous work must be awaited inside
 * {@code run}: the core considers the task finished when it returns. A long task should poll
 * {@link BgtCore#isStopping()} and return early when WorkManager stops the worker.
 *
 * <p>Called from native code (bgt_jni.c) by name and signature: keep it as is.
 */
public interface BgtTask {
    int run(String name, long nowMs);
}
