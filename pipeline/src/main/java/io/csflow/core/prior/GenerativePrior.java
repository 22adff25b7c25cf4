package io.csflow.core.prior;

import io.csflow.core.nn.DenseStack;

/**
 * A generator x = g(z; theta) from a latent space to images, with its weights theta exposed so
 * solvers can adapt them (CS-BGM) and the online learner can train them.
 */
public interface GenerativePrior {

    /** Model version; increases with every published update. */
    long version();

    int latentDim();

    /** Number of pixels the generator produces (n). */
    int outputDim();

    /** The generator network g(.; theta). Solvers must not modify it: they copy what they adapt. */
    DenseStack decoder();
}
