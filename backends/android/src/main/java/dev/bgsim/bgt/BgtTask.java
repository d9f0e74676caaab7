package dev.bgsim.bgt;

/**
 * A task body, as given to {@link BgtCore#defineTask} (expo-task-manager's defineTask).
 *
 * <p>Called once per worker run on a background thread of its own, outside any lock, at the same
 * time as the other registered tasks (expo runs them in parallel and awaits all:
 * BackgroundTaskScheduler.kt runTasks, expo-background-task 57.0.21). Return
 * {@link BgtCore#RESULT_SUCCESS} or {@link BgtCore#RESULT_FAILED}; anything else (or a thrown
 * exception) counts as "no result". Asynchronous work must be awaited inside {@code run}: the
 * task is finished when it returns. It may call any BgtCore method. When WorkManager stops the
 * worker the run ends at once (expiration listeners fire, {@link BgtCore#isStopping()} turns
 * true) and a result returned later is dropped: return early.
 */
public interface BgtTask {
    int run(String name, long nowMs);
}
