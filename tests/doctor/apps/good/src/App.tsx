import { useEffect } from 'react';
import { scheduleSync } from './backgroundSync';

export default function App() {
  useEffect(() => {
    void scheduleSync();
  }, []);
  return null;
}
