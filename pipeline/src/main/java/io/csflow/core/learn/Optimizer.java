package io.csflow.core.learn;

/**
 * One optimisation step over a flat parameter vector. Implementations keep their per-parameter state
 * (moments, step count) as an explicit serializable object of their own, for snapshots.
 */
public interface Optimizer {

    /** Updates params in place from grads (same length; grads are not modified). */
    void step(float[] params, float[] grads);

    /** Throws unless params and grads have the same length. */
    static void checkShapes(float[] params, float[] grads) {
        if (params.length != grads.length) {
            throw new IllegalArgumentException("got " + grads.length + " gradients for " + params.length
                    + " parameters");
        }
    }
}
