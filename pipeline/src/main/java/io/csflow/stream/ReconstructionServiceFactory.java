package io.csflow.stream;

import io.csflow.core.prior.VaePrior;

import java.io.Serializable;

/**
 * Builds the reconstruction service on the task manager. Solvers, priors and native buffers are not
 * serializable, so Flink ships this small factory and the operator calls it in open().
 */
@FunctionalInterface
public interface ReconstructionServiceFactory extends Serializable {

    /** The service with the factory's own prior (e.g. the shipped file). */
    BatchReconstructionService create() throws Exception;

    /**
     * The same service built around an in-memory prior, e.g. a newer snapshot from the models topic; the service
     * reports that prior's version. Factories that cannot swap priors keep the default, and the job then ignores
     * model updates (they are still validated and counted).
     */
    default BatchReconstructionService create(VaePrior prior) throws Exception {
        throw new UnsupportedOperationException(getClass().getName() + " cannot build a service from a prior");
    }

    /** Whether {@link #create(VaePrior)} is implemented. */
    default boolean swapsPriors() {
        return false;
    }
}
