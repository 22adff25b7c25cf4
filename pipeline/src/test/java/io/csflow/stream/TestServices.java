package io.csflow.stream;

import io.csflow.avro.Measurement;
import io.csflow.core.operator.OperatorCache;
import io.csflow.core.solver.Estimate;
import io.csflow.core.solver.Observation;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** Serializable service factories for the job tests (the MiniCluster runs in this JVM, so statics are shared). */
public final class TestServices {

    public static final long MODEL_VERSION = 3L;

    /**
     * Set by a test once it saw committed output; the next batch then fails, and so does every later call of that
     * reconstructor instance, until the task restarts with a new one (a systemic failure, not a poison record).
     */
    public static final AtomicBoolean FAIL_NEXT_BATCH = new AtomicBoolean();
    public static final AtomicInteger FAILURES = new AtomicInteger();

    /** y[0] that {@link PoisonedAdjoint} throws on: finite, so such a record passes validation. */
    public static final float POISON_Y = 777f;

    private TestServices() {
    }

    /** A good measurement made poison: y[0] = {@link #POISON_Y}. */
    public static Measurement poison(String sensor, long sequence) {
        Measurement m = TestData.measurement(sensor, sequence);
        m.getY().set(0, POISON_Y);
        return m;
    }

    /**
     * The adjoint solver with a deterministic bug: any call holding a record whose y[0] is {@link #POISON_Y} throws,
     * and every call throws while {@link #broken} is set (a solver that fails whatever the record).
     */
    public static class PoisonedAdjoint extends AdjointReconstructor {
        public final AtomicBoolean broken = new AtomicBoolean();

        @Override
        public List<Estimate> reconstruct(List<Observation> batch) {
            if (broken.get()) {
                throw new IllegalStateException("native solver unavailable");
            }
            for (Observation o : batch) {
                if (o.y()[0] == POISON_Y) {
                    throw new ArithmeticException("step size underflow at y[0]=" + POISON_Y);
                }
            }
            return super.reconstruct(batch);
        }
    }

    public static ReconstructionServiceFactory adjointPoisoned() {
        return () -> new BatchReconstructionService(OperatorCache.shared()::get, new PoisonedAdjoint(), MODEL_VERSION);
    }

    public static ReconstructionServiceFactory adjoint() {
        return () -> new BatchReconstructionService(OperatorCache.shared()::get, new AdjointReconstructor(), MODEL_VERSION);
    }

    public static ReconstructionServiceFactory adjointFailingOnceWhenArmed() {
        return () -> new BatchReconstructionService(OperatorCache.shared()::get, new AdjointReconstructor() {
            /** Once failed, this instance fails every call (so PoisonIsolation's retries cannot absorb it and the
             * task restarts); the restarted task builds a new one. */
            private boolean broken;

            @Override
            public List<Estimate> reconstruct(List<Observation> batch) {
                if (broken || FAIL_NEXT_BATCH.compareAndSet(true, false)) {
                    if (!broken) {
                        FAILURES.incrementAndGet();
                    }
                    broken = true;
                    throw new IllegalStateException("injected failure after a completed checkpoint");
                }
                return super.reconstruct(batch);
            }
        }, MODEL_VERSION);
    }
}
