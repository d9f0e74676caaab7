// COMPILE-ONLY STUB (see compile-stubs/README.md): never packaged.
package androidx.work;

public enum NetworkType { NOT_REQUIRED, CONNECTED, UNMETERED, NOT_ROAMING, METERED, TEMPORARILY_UNMETERED }
