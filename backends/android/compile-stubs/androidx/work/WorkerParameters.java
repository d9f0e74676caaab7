// COMPILE-ONLY STUB (see compile-stubs/README.md): never packaged.
package androidx.work;

public final class WorkerParameters {
    private WorkerParameters() {}
}
