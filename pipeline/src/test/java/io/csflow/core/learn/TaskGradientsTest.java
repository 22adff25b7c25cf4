package io.csflow.core.learn;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TaskGradientsTest {

    @Test
    void blockedGramMatchesPlainDotProductsAcrossPartialBlocks() {
        float[][] g = Fixtures.correlated(4, 5000, 1e3, 5); // 2048-blocks: two full, one partial
        double[][] m = TaskGradients.of(g, new double[4]).gram();
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                double expected = Fixtures.dot(g[i], g[j]);
                assertEquals(expected, m[i][j], 1e-12 * Math.sqrt(m[i][i] * m[j][j]), "M[" + i + "][" + j + "]");
            }
        }
    }

    @Test
    void decoderSizedGramAndNashSolve() {
        int k = 10;
        int p = 650_000;
        float[][] g = Fixtures.correlated(k, p, 1e4, 1);
        long start = System.nanoTime();
        TaskGradients tasks = TaskGradients.of(g, new double[k]);
        double[] a = new NashMtlWeighting().weights(tasks);
        float[] d = tasks.direction(a);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(p, d.length);
        System.out.printf("K=%d, P=%d: Gram + Nash solve + direction in %d ms (residual %.3g)%n",
                k, p, ms, NashSolver.residual(tasks.gram(), a));
    }
}
