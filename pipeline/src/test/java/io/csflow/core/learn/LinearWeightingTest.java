package io.csflow.core.learn;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class LinearWeightingTest extends GradientWeightingContract {

    @Override
    GradientWeighting create() {
        return new LinearWeighting();
    }

    @Override
    boolean strictlyPositive() {
        return true;
    }

    @Override
    boolean descentForAllTasks() {
        return false;
    }

    @Test
    void weightsAreOnesSoTheDirectionIsTheSum() {
        float[][] g = {{1, 2}, {3, -4}, {0.5f, 0}};
        TaskGradients tasks = TaskGradients.of(g, new double[] {1, 1, 1});
        double[] a = create().weights(tasks);
        assertArrayEquals(new double[] {1, 1, 1}, a);
        assertArrayEquals(new float[] {4.5f, -2}, tasks.direction(a));
    }
}
