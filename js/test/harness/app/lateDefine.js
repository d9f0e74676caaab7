// The same task defined the wrong way: inside a function the UI calls (not at global scope). On a
// headless start nothing calls it, so TaskManager has no executor for the task.
import * as TaskManager from 'expo-task-manager';
import * as BackgroundTask from 'expo-background-task';

export function onSettingsScreen() {
  TaskManager.defineTask('news-sync', async () => BackgroundTask.BackgroundTaskResult.Success);
  return BackgroundTask.registerTaskAsync('news-sync', { minimumInterval: 15 });
}
