package io.csflow.core.learn;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MgdaWeightingTest extends GradientWeightingContract {

    @Override
    GradientWeighting create() {
        return new MgdaWeighting();
    }

    @Override
    boolean strictlyPositive() {
        return false;
    }

    @Override
    boolean descentForAllTasks() {
        return true;
    }

    @Test
    void twoTasksMatchTheClosedForm() {
        for (long seed = 0; seed < 20; seed++) {
            float[][] g = Fixtures.correlated(2, 100, 50, seed);
            double[] a = create().weights(TaskGradients.of(g, new double[] {1, 1}));
            double g1g1 = Fixtures.dot(g[0], g[0]);
            double g1g2 = Fixtures.dot(g[0], g[1]);
            double g2g2 = Fixtures.dot(g[1], g[1]);
            // alpha = clamp(((g2 - g1) . g2) / ||g1 - g2||^2, 0, 1)
            double alpha = Math.max(0, Math.min(1, (g2g2 - g1g2) / (g1g1 - 2 * g1g2 + g2g2)));
            assertEquals(alpha, a[0], 1e-12, "seed " + seed);
            assertEquals(1 - alpha, a[1], 1e-12, "seed " + seed);
        }
    }

    @Test
    void twoTasksBeatEveryPointOfAFineGrid() {
        for (long seed = 0; seed < 10; seed++) {
            float[][] g = Fixtures.correlated(2, 100, 20, seed);
            TaskGradients tasks = TaskGradients.of(g, new double[] {1, 1});
            double[][] m = tasks.gram();
            double best = Fixtures.quadratic(m, create().weights(tasks));
            for (int s = 0; s <= 10_000; s++) {
                double alpha = s / 10_000.0;
                double q = Fixtures.quadratic(m, new double[] {alpha, 1 - alpha});
                assertTrue(best <= q * (1 + 1e-12) + 1e-15, "seed " + seed + " alpha " + alpha + ": " + q + " < " + best);
            }
        }
    }

    @Test
    void threeTasksBeatRandomConvexCombinations() {
        Random rnd = new Random(3);
        for (long seed = 0; seed < 10; seed++) {
            float[][] g = Fixtures.correlated(3, 100, 20, seed);
            TaskGradients tasks = TaskGradients.of(g, new double[] {1, 1, 1});
            double[][] m = tasks.gram();
            double[] a = create().weights(tasks);
            assertEquals(1, a[0] + a[1] + a[2], 1e-12);
            double best = Fixtures.quadratic(m, a);
            for (int s = 0; s < 20_000; s++) {
                double e0 = -Math.log(1 - rnd.nextDouble());
                double e1 = -Math.log(1 - rnd.nextDouble());
                double e2 = -Math.log(1 - rnd.nextDouble());
                double sum = e0 + e1 + e2;
                double q = Fixtures.quadratic(m, new double[] {e0 / sum, e1 / sum, e2 / sum});
                assertTrue(best <= q + 1e-10 * m[2][2], "seed " + seed + ": " + q + " < " + best);
            }
        }
    }

    @Test
    void opposingGradientsGiveTheZeroDirection() {
        float[][] g = {{1, 2, 3}, {-1, -2, -3}};
        double[] a = create().weights(TaskGradients.of(g, new double[] {1, 1}));
        assertEquals(0.5, a[0], 1e-15);
        assertEquals(0.5, a[1], 1e-15);
    }

    @Test
    void rejectsBadHyperparameters() {
        assertEquals("Invalid maxIterations (must be >= 1): 0",
                assertThrows(IllegalArgumentException.class, () -> new MgdaWeighting(0, 1e-9)).getMessage());
        assertEquals("Invalid gapTolerance (must be in (0, 1)): -1.0",
                assertThrows(IllegalArgumentException.class, () -> new MgdaWeighting(10, -1)).getMessage());
    }
}
