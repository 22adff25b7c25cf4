package io.csflow.core.nn;

import org.nd4j.linalg.factory.Nd4j;

/**
 * ND4J's native thread pools (BLAS and its own OpenMP loops) are process-wide. On small machines the
 * defaults oversubscribe the cores (about 4x slower on our matrix sizes with two slots on two cores), so
 * each process sets them to its share of the cores, unless the user pinned them with OMP_NUM_THREADS.
 */
public final class NativeThreads {

    private NativeThreads() {
    }

    /**
     * Gives each of {@code workers} concurrent solvers in this process an equal share of the cores.
     *
     * @return the threads per solver now in force
     */
    public static synchronized int shareCores(int workers) {
        String pinned = System.getenv("OMP_NUM_THREADS");
        if (pinned != null && !pinned.isBlank()) {
            return Nd4j.getEnvironment().maxMasterThreads();
        }
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / Math.max(1, workers));
        Nd4j.factory().blas().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        return threads;
    }
}
