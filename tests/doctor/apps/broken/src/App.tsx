import { useEffect } from 'react';
import * as BackgroundTask from 'expo-background-task';
import * as TaskManager from 'expo-task-manager';

// TaskManager.defineTask('commented-out', ...) is not a call: comments are skipped.
const NOTE = "registerTaskAsync('in-a-string') is not a call either";

export default function App() {
  useEffect(() => {
    // Defined inside a component: not defined when the OS starts the app in the background.
    TaskManager.defineTask('news-sync', async () => BackgroundTask.BackgroundTaskResult.Success);
    void BackgroundTask.registerTaskAsync('news-sync');
    void BackgroundTask.registerTaskAsync('cleanup', {
      minimumInterval: 5, // minutes
    });
  }, []);
  return null;
}
