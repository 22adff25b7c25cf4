package io.csflow.core.learn;

import java.util.Arrays;

/**
 * Linear scalarisation: a_i = 1 for every task, so d = sum_i g_i is the gradient of the summed losses
 * (LibMTL's "EW" without its 1/K; divide the learning rate by K for the mean). Stateless.
 */
public final class LinearWeighting implements GradientWeighting {

    @Override
    public double[] weights(TaskGradients tasks) {
        double[] a = new double[tasks.tasks()];
        Arrays.fill(a, 1.0);
        return a;
    }
}
