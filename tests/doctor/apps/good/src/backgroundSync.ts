import * as BackgroundTask from 'expo-background-task';
import * as TaskManager from 'expo-task-manager';

export const NEWS_SYNC = 'news-sync';

// Defined at the top level: a headless start (the OS waking the app for the worker) runs it.
TaskManager.defineTask(NEWS_SYNC, async () => {
  const started = `sync at ${new Date().toISOString()} { not code }`;
  console.log(started);
  return BackgroundTask.BackgroundTaskResult.Success;
});

export async function scheduleSync(): Promise<void> {
  // Re-register so a new interval reaches devices that registered an older one.
  await BackgroundTask.unregisterTaskAsync(NEWS_SYNC).catch(() => undefined);
  await BackgroundTask.registerTaskAsync(NEWS_SYNC, { minimumInterval: 60 * 2 });
}
