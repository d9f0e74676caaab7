// A sample app module, as an Expo app writes it: the task is defined at global scope and
// registered. It stamps each run with Date.now() (simulated time under bgsim/jest) in a store that
// outlives the process (globalThis.newsStore stands for AsyncStorage), and fails when told to.
import * as TaskManager from 'expo-task-manager';
import * as BackgroundTask from 'expo-background-task';

export const TASK = 'news-sync';
const store = (globalThis.newsStore = globalThis.newsStore || { fetchedAt: [], loads: 0, failNext: 0, throwNext: 0 });
store.loads += 1;

TaskManager.defineTask(TASK, async () => {
  await new Promise((resolve) => setTimeout(resolve, 1)); // real async work: a timer, awaited
  if (store.throwNext > 0) {
    store.throwNext -= 1;
    throw new Error('network unreachable');
  }
  if (store.failNext > 0) {
    store.failNext -= 1;
    return BackgroundTask.BackgroundTaskResult.Failed;
  }
  store.fetchedAt.push(Date.now());
  return BackgroundTask.BackgroundTaskResult.Success;
});

export function register() {
  return BackgroundTask.registerTaskAsync(TASK, { minimumInterval: 15 });
}
register();
