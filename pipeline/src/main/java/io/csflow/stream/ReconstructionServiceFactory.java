package io.csflow.stream;

import java.io.Serializable;

/**
 * Builds the reconstruction service on the task manager. Solvers, priors and native buffers are not
 * serializable, so Flink ships this small factory and the operator calls it in open().
 */
@FunctionalInterface
public interface ReconstructionServiceFactory extends Serializable {

    BatchReconstructionService create() throws Exception;
}
