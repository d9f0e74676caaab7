// COMPILE-ONLY STUB (see compile-stubs/README.md): never packaged.
package androidx.work;

public enum ExistingWorkPolicy { REPLACE, KEEP, APPEND, APPEND_OR_REPLACE }
