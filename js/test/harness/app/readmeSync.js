// The README's "From JavaScript" app module (src/backgroundSync.js there), as written there.
import * as TaskManager from 'expo-task-manager';
import * as BackgroundTask from 'expo-background-task';

export const synced = []; // the app would write to AsyncStorage; a module array keeps this short

TaskManager.defineTask('news-sync', async () => {
  synced.push(Date.now()); // simulated time under bgsim/jest
  return BackgroundTask.BackgroundTaskResult.Success;
});
BackgroundTask.registerTaskAsync('news-sync', { minimumInterval: 15 });
