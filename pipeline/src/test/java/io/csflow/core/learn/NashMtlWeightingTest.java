package io.csflow.core.learn;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NashMtlWeightingTest extends GradientWeightingContract {

    @Override
    GradientWeighting create() {
        return new NashMtlWeighting();
    }

    @Override
    boolean strictlyPositive() {
        return true;
    }

    @Override
    boolean descentForAllTasks() {
        return true;
    }

    /** a_i (M a)_i - 1 from a Gram matrix computed here, independently, in double. */
    private static double residual(float[][] g, double[] a) {
        double worst = 0;
        for (int i = 0; i < g.length; i++) {
            double s = 0;
            for (int j = 0; j < g.length; j++) {
                s += Fixtures.dot(g[i], g[j]) * a[j];
            }
            worst = Math.max(worst, Math.abs(a[i] * s - 1));
        }
        return worst;
    }

    @Test
    void orthogonalGradientsGetInverseNorms() {
        // disjoint supports: pairwise orthogonal, norms from 1e-2 to 1e2
        int k = 4;
        int p = 40;
        Random rnd = new Random(11);
        float[][] g = new float[k][p];
        double[] expected = new double[k];
        for (int i = 0; i < k; i++) {
            double scale = Math.pow(10, i * 4.0 / (k - 1) - 2);
            for (int j = i * 10; j < i * 10 + 10; j++) {
                g[i][j] = (float) (scale * rnd.nextGaussian());
            }
            expected[i] = 1 / Math.sqrt(Fixtures.dot(g[i], g[i]));
        }
        TaskGradients tasks = TaskGradients.of(g, new double[] {1, 1, 1, 1});
        double[] a = create().weights(tasks);
        for (int i = 0; i < k; i++) {
            assertEquals(expected[i], a[i], 1e-9 * expected[i], "a_" + i);
        }
        float[] d = tasks.direction(a);
        for (int j = 0; j < p; j++) {
            int i = j / 10;
            assertEquals(g[i][j] * expected[i], d[j], 1e-6 * Math.abs(g[i][j] * expected[i]) + 1e-12, "d_" + j);
        }
    }

    @Test
    void residualBelow1e6WithNormRatiosUpTo1e4() {
        double worst = 0;
        for (int k : new int[] {2, 3, 5, 10}) {
            for (double ratio : new double[] {1, 1e2, 1e4}) {
                for (long seed = 0; seed < 5; seed++) {
                    float[][] g = Fixtures.correlated(k, 500, ratio, 100 * k + seed);
                    NashMtlWeighting nash = new NashMtlWeighting();
                    double[] a = nash.weights(TaskGradients.of(g, new double[k]));
                    assertEquals(0, nash.failures(), "K=" + k + " ratio " + ratio + " seed " + seed);
                    double r = residual(g, a);
                    assertTrue(r < 1e-6, "K=" + k + " ratio " + ratio + " seed " + seed + ": residual " + r);
                    worst = Math.max(worst, r);
                }
            }
        }
        System.out.printf("Nash-MTL worst residual over K in {2,3,5,10}, ratios 1..1e4, 5 seeds: %.3g%n", worst);
    }

    @Test
    void zeroGradientFallsBackToPreviousWeightsAndCounts() {
        NashMtlWeighting nash = new NashMtlWeighting();
        float[][] good = Fixtures.correlated(3, 50, 10, 1);
        double[] previous = nash.weights(TaskGradients.of(good, new double[3]));
        float[][] bad = Fixtures.correlated(3, 50, 10, 2);
        bad[1] = new float[50];
        double[] a = nash.weights(TaskGradients.of(bad, new double[3]));
        assertArrayEquals(previous, a);
        assertEquals(1, nash.failures());
        // opposing gradients: singular Gram matrix, f unbounded below, no solution
        float[][] opposing = {{1, 2, 3}, {-1, -2, -3}, good[2]};
        opposing[2] = new float[] {3, -1, 0.5f};
        assertArrayEquals(previous, nash.weights(TaskGradients.of(opposing, new double[3])));
        assertEquals(2, nash.failures());
        assertEquals(3, nash.calls());
    }

    @Test
    void fallbackWithoutPreviousOrLinearIsOnes() {
        float[][] bad = {{0, 0}, {1, 1}};
        NashMtlWeighting previous = new NashMtlWeighting();
        assertArrayEquals(new double[] {1, 1}, previous.weights(TaskGradients.of(bad, new double[2])));
        NashMtlWeighting linear = new NashMtlWeighting(1e-6, 100, 1, NashMtlWeighting.Fallback.LINEAR);
        linear.weights(TaskGradients.of(Fixtures.correlated(2, 10, 3, 0), new double[2]));
        assertArrayEquals(new double[] {1, 1}, linear.weights(TaskGradients.of(bad, new double[2])));
        assertEquals(1, linear.failures());
    }

    @Test
    void recomputesOnlyEveryKCalls() {
        NashMtlWeighting nash = new NashMtlWeighting(1e-6, 100, 3, NashMtlWeighting.Fallback.PREVIOUS);
        double[] first = nash.weights(TaskGradients.of(Fixtures.correlated(3, 40, 10, 1), new double[3]));
        TaskGradients other = TaskGradients.of(Fixtures.correlated(3, 40, 10, 2), new double[3]);
        assertArrayEquals(first, nash.weights(other));
        assertArrayEquals(first, nash.weights(other));
        double[] fourth = nash.weights(other);
        assertNotEquals(first[0], fourth[0]);
        assertTrue(residual(new float[][] {other.gradient(0), other.gradient(1), other.gradient(2)}, fourth) < 1e-6);
    }

    @Test
    void stateSnapshotRestoresWeightsAndCounters() throws Exception {
        NashMtlWeighting nash = new NashMtlWeighting(1e-6, 100, 2, NashMtlWeighting.Fallback.PREVIOUS);
        double[] a = nash.weights(TaskGradients.of(Fixtures.correlated(2, 20, 5, 3), new double[2]));
        nash.weights(TaskGradients.of(new float[][] {{0, 0}, {1, 0}}, new double[2])); // reused, no failure
        nash.weights(TaskGradients.of(new float[][] {{0, 0}, {1, 0}}, new double[2])); // solved, fails
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(nash.state());
        }
        NashMtlWeighting.State state;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            state = (NashMtlWeighting.State) in.readObject();
        }
        NashMtlWeighting restored = new NashMtlWeighting(1e-6, 100, 2, NashMtlWeighting.Fallback.PREVIOUS);
        restored.restore(state);
        assertEquals(1, restored.failures());
        assertEquals(3, restored.calls());
        // call 3 is odd: the restored weights are reused
        assertArrayEquals(a, restored.weights(TaskGradients.of(Fixtures.correlated(2, 20, 5, 9), new double[2])));
    }

    @Test
    void rejectsBadHyperparametersNamingTheValue() {
        assertEquals("Invalid tolerance (must be in (0, 1)): 0.0", assertThrows(IllegalArgumentException.class,
                () -> new NashMtlWeighting(0, 10, 1, NashMtlWeighting.Fallback.PREVIOUS)).getMessage());
        assertEquals("Invalid maxIterations (must be >= 1): 0", assertThrows(IllegalArgumentException.class,
                () -> new NashMtlWeighting(1e-6, 0, 1, NashMtlWeighting.Fallback.PREVIOUS)).getMessage());
        assertEquals("Invalid recomputeEvery (must be >= 1): -2", assertThrows(IllegalArgumentException.class,
                () -> new NashMtlWeighting(1e-6, 10, -2, NashMtlWeighting.Fallback.PREVIOUS)).getMessage());
        assertEquals("Invalid fallback: null", assertThrows(IllegalArgumentException.class,
                () -> new NashMtlWeighting(1e-6, 10, 1, null)).getMessage());
    }
}
