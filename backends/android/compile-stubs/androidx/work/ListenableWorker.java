// COMPILE-ONLY STUB (see compile-stubs/README.md): never packaged.
package androidx.work;

import android.content.Context;

public abstract class ListenableWorker {
    public ListenableWorker(Context context, WorkerParameters params) {
        throw new UnsupportedOperationException("stub");
    }
    public final Context getApplicationContext() { throw new UnsupportedOperationException("stub"); }
    public final boolean isStopped() { throw new UnsupportedOperationException("stub"); }
    public void onStopped() {}

    public abstract static class Result {
        Result() {}
        public static Result success() { throw new UnsupportedOperationException("stub"); }
        public static Result failure() { throw new UnsupportedOperationException("stub"); }
        public static Result retry() { throw new UnsupportedOperationException("stub"); }
    }
}
