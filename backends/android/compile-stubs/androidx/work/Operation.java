// COMPILE-ONLY STUB (see compile-stubs/README.md): never packaged.
package androidx.work;

public interface Operation {
}
