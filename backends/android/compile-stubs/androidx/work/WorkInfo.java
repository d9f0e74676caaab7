// COMPILE-ONLY STUB (see compile-stubs/README.md): never packaged.
package androidx.work;

public final class WorkInfo {
    private WorkInfo() {}

    public enum State { ENQUEUED, RUNNING, SUCCEEDED, FAILED, BLOCKED, CANCELLED }

    public State getState() { throw new UnsupportedOperationException("stub"); }
}
