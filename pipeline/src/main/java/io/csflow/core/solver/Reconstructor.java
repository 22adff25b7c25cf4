package io.csflow.core.solver;

import java.util.List;

/**
 * Reconstructs a batch of records. A batch may mix operators: implementations group records
 * that share an operator for the measurement products and run everything else on the whole batch.
 */
public interface Reconstructor {

    /** Short name that appears in outputs, e.g. {@code csgm} or {@code lasso-dct}. */
    String method();

    /**
     * Returns one estimate per observation, in order.
     *
     * @throws IllegalArgumentException if an observation does not fit this reconstructor (e.g. its n
     *                                  differs from the prior's output size); the message names it
     */
    List<Estimate> reconstruct(List<Observation> batch);
}
