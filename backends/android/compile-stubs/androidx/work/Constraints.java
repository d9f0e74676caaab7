// COMPILE-ONLY STUB (see compile-stubs/README.md): never packaged.
package androidx.work;

public final class Constraints {
    private Constraints() {}

    public static final class Builder {
        public Builder() {}
        public Builder setRequiredNetworkType(NetworkType networkType) { throw new UnsupportedOperationException("stub"); }
        public Builder setRequiresBatteryNotLow(boolean requiresBatteryNotLow) { throw new UnsupportedOperationException("stub"); }
        public Builder setRequiresCharging(boolean requiresCharging) { throw new UnsupportedOperationException("stub"); }
        public Constraints build() { throw new UnsupportedOperationException("stub"); }
    }
}
