package io.csflow.stream;

import io.csflow.core.operator.OperatorCache;
import io.csflow.core.solver.Estimate;
import io.csflow.core.solver.Observation;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** Serializable service factories for the job tests (the MiniCluster runs in this JVM, so statics are shared). */
public final class TestServices {

    public static final long MODEL_VERSION = 3L;

    /** Set by a test once it saw committed output; the next batch then fails once. */
    public static final AtomicBoolean FAIL_NEXT_BATCH = new AtomicBoolean();
    public static final AtomicInteger FAILURES = new AtomicInteger();

    private TestServices() {
    }

    public static ReconstructionServiceFactory adjoint() {
        return () -> new BatchReconstructionService(OperatorCache.shared()::get, new AdjointReconstructor(), MODEL_VERSION);
    }

    public static ReconstructionServiceFactory adjointFailingOnceWhenArmed() {
        return () -> new BatchReconstructionService(OperatorCache.shared()::get, new AdjointReconstructor() {
            @Override
            public List<Estimate> reconstruct(List<Observation> batch) {
                if (FAIL_NEXT_BATCH.compareAndSet(true, false)) {
                    FAILURES.incrementAndGet();
                    throw new IllegalStateException("injected failure after a completed checkpoint");
                }
                return super.reconstruct(batch);
            }
        }, MODEL_VERSION);
    }
}
