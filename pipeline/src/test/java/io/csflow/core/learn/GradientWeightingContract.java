package io.csflow.core.learn;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared suite every {@link GradientWeighting} passes; each implementation's test says how to create it. */
abstract class GradientWeightingContract {

    abstract GradientWeighting create();

    /** Whether every a_i must be > 0 (otherwise >= 0). */
    abstract boolean strictlyPositive();

    /** Whether d . g_i >= 0 for every task is guaranteed. */
    abstract boolean descentForAllTasks();

    @Test
    void weightsAreFinitePerTaskAndSigned() {
        for (int k : new int[] {1, 2, 3, 5, 10}) {
            for (long seed = 0; seed < 3; seed++) {
                float[][] g = Fixtures.correlated(k, 200, 100, seed);
                TaskGradients tasks = TaskGradients.of(g, Fixtures.positiveLosses(k, seed));
                double[] a = create().weights(tasks);
                assertEquals(k, a.length, "one weight per task");
                for (int i = 0; i < k; i++) {
                    assertTrue(Double.isFinite(a[i]), "finite weight " + i + ": " + a[i]);
                    assertTrue(strictlyPositive() ? a[i] > 0 : a[i] >= 0, "sign of weight " + i + ": " + a[i]);
                }
            }
        }
    }

    @Test
    void directionIsDescentForEveryTaskWhereGuaranteed() {
        if (!descentForAllTasks()) {
            return;
        }
        for (int k : new int[] {2, 3, 5, 10}) {
            for (long seed = 0; seed < 5; seed++) {
                float[][] g = Fixtures.correlated(k, 300, 1e3, seed);
                TaskGradients tasks = TaskGradients.of(g, Fixtures.positiveLosses(k, seed));
                double[] a = create().weights(tasks);
                double[][] m = tasks.gram();
                for (int i = 0; i < k; i++) {
                    double dg = 0; // d . g_i = (M a)_i, exact in double
                    for (int j = 0; j < k; j++) {
                        dg += m[i][j] * a[j];
                    }
                    assertTrue(dg >= -1e-9 * m[i][i], "K=" + k + " seed " + seed + ": d.g_" + i + " = " + dg);
                }
            }
        }
    }

    @Test
    void doesNotModifyTheGradients() {
        float[][] g = Fixtures.correlated(3, 50, 10, 7);
        float[][] copy = {g[0].clone(), g[1].clone(), g[2].clone()};
        create().weights(TaskGradients.of(g, new double[] {1, 2, 3}));
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(copy[i], g[i]);
        }
    }

    @Test
    void rejectsMismatchedShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TaskGradients.of(new float[][] {new float[3], new float[4]}, new double[] {1, 1}));
        assertEquals("task 1 gradient has 4 entries, expected 3 (as task 0)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TaskGradients.of(new float[][] {new float[3], new float[3]}, new double[] {1}));
        assertEquals("need one loss per task: 2 gradients but 1 losses", e.getMessage());
    }
}
