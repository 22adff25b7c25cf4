package io.csflow.core.learn;

/**
 * Turns K per-task gradients into one update direction d = sum_i a_i g_i by choosing the weights a.
 *
 * <p>The multi-task view of online prior adaptation: each task (a batch, a sensor, a loss term) gives its
 * own gradient of the shared decoder weights, and a weighting decides how they are combined. Implementations
 * may keep state between calls (warm starts, reuse); such state is an explicit serializable object.
 */
public interface GradientWeighting {

    /**
     * Returns the task weights a (a fresh array of length K); the direction is
     * {@link TaskGradients#direction(double[])}. The gradients are not modified.
     */
    double[] weights(TaskGradients tasks);
}
