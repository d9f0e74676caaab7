// COMPILE-ONLY STUB (see compile-stubs/README.md): never packaged.
package androidx.work;

import java.util.concurrent.TimeUnit;

public final class OneTimeWorkRequest {
    private OneTimeWorkRequest() {}

    public static final class Builder {
        public Builder(Class<? extends ListenableWorker> workerClass) {}
        public Builder setInitialDelay(long duration, TimeUnit timeUnit) { throw new UnsupportedOperationException("stub"); }
        public Builder setConstraints(Constraints constraints) { throw new UnsupportedOperationException("stub"); }
        public OneTimeWorkRequest build() { throw new UnsupportedOperationException("stub"); }
    }
}
