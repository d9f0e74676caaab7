// COMPILE-ONLY STUB (see compile-stubs/README.md): never packaged.
package androidx.work;

import android.content.Context;
import com.google.common.util.concurrent.ListenableFuture;
import java.util.List;

public abstract class WorkManager {
    public static WorkManager getInstance(Context context) { throw new UnsupportedOperationException("stub"); }
    public abstract Operation enqueueUniqueWork(String uniqueWorkName, ExistingWorkPolicy existingWorkPolicy, OneTimeWorkRequest work);
    public abstract Operation cancelUniqueWork(String uniqueWorkName);
    public abstract ListenableFuture<List<WorkInfo>> getWorkInfosForUniqueWork(String uniqueWorkName);
}
