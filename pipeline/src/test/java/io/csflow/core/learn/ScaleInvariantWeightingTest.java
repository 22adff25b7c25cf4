package io.csflow.core.learn;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ScaleInvariantWeightingTest extends GradientWeightingContract {

    @Override
    GradientWeighting create() {
        return new ScaleInvariantWeighting();
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
    void weightsAreInverseLosses() {
        TaskGradients tasks = TaskGradients.of(new float[][] {{1}, {1}}, new double[] {4, 0.5});
        assertArrayEquals(new double[] {0.25, 2}, create().weights(tasks));
    }

    @Test
    void rejectsNonPositiveLossNamingTaskAndValue() {
        TaskGradients tasks = TaskGradients.of(new float[][] {{1}, {1}}, new double[] {1, 0});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> create().weights(tasks));
        assertEquals("scale-invariant weighting needs positive finite losses, task 1 has loss 0.0", e.getMessage());
        TaskGradients nan = TaskGradients.of(new float[][] {{1}}, new double[] {Double.NaN});
        e = assertThrows(IllegalArgumentException.class, () -> create().weights(nan));
        assertEquals("scale-invariant weighting needs positive finite losses, task 0 has loss NaN", e.getMessage());
    }
}
