// COMPILE-ONLY STUB (see compile-stubs/README.md): never packaged.
package android.content;

public abstract class Context {
    public abstract Context getApplicationContext();
    public abstract java.io.File getFilesDir();
}
