// A sample app that decides its registrations itself; the scenario (news-android-app.yaml) only
// models the device, the user and the OS. globalThis.appConfig stands for the app's own settings:
//   newsInterval       news-sync's minimumInterval at the first launch (minutes)
//   relaunchInterval   the one a later launch asks for (an app update that changed it)
//   unregisterFirst    a later launch unregisters news-sync before registering it again
//   digestFrom         news-sync's executor registers `digest` from this Date.now() on (ms since
//                      the epoch), with minimumInterval digestInterval
// globalThis.appStore stands for AsyncStorage: it outlives a process.
import * as TaskManager from 'expo-task-manager';
import * as BackgroundTask from 'expo-background-task';

const cfg = globalThis.appConfig || {};
const store = (globalThis.appStore = globalThis.appStore || { loads: 0, digestAt: null });
store.loads += 1;

TaskManager.defineTask('news-sync', async () => {
  if (cfg.digestFrom !== undefined && store.digestAt === null && Date.now() >= cfg.digestFrom) {
    store.digestAt = Date.now();
    await BackgroundTask.registerTaskAsync('digest', { minimumInterval: cfg.digestInterval });
  }
  return BackgroundTask.BackgroundTaskResult.Success;
});
TaskManager.defineTask('digest', async () => BackgroundTask.BackgroundTaskResult.Success);

const interval = store.loads > 1 && cfg.relaunchInterval !== undefined ? cfg.relaunchInterval : cfg.newsInterval;
export const ready = store.syncOff
  ? Promise.resolve()
  : (store.loads > 1 && cfg.unregisterFirst ? BackgroundTask.unregisterTaskAsync('news-sync') : Promise.resolve())
    .then(() => BackgroundTask.registerTaskAsync('news-sync', { minimumInterval: interval }));

/** The settings screen's "stop syncing" switch (remembered: later launches do not register). */
export function stopSync() {
  store.syncOff = true;
  return BackgroundTask.unregisterTaskAsync('news-sync');
}
