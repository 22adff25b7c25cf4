package io.csflow.core.solver;

import io.csflow.core.nn.VectorSupport;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Vector API kernels against the plain Java loops they stand in for. Lengths that are not multiples of
 * the vector width and ranges that start mid-array exercise the scalar tails.
 */
class VectorKernelsTest {

    private static final int SIZE = 3 * 784 + 5;

    private static float[] random(Random r) {
        float[] a = new float[SIZE];
        for (int j = 0; j < a.length; j++) {
            a[j] = (float) r.nextGaussian();
        }
        return a;
    }

    @Test
    void theTestJvmRunsTheVectorKernels() {
        // surefire starts the JVM with --add-modules=jdk.incubator.vector, so the other tests of the theta
        // stage exercise the path production takes
        assertTrue(VectorSupport.enabled() || "off".equals(System.getProperty(VectorSupport.DISABLE_PROPERTY)),
                VectorSupport.describe());
    }

    @Test
    void dotProductsMatchThePlainLoopToRounding() {
        assumeTrue(VectorSupport.enabled(), "Vector API kernels off in this JVM");
        Random r = new Random(1);
        float[] a = random(r);
        float[] c0 = random(r);
        float[] c1 = random(r);
        for (int[] range : new int[][]{{0, 784}, {784 + 3, 500}, {7, 20}, {100, 1}, {0, 0}}) {
            float[] vector = new float[5];
            float[] scalar = new float[5];
            VectorKernels.pairDots(a, c0, c1, range[0], range[1], vector, 0);
            Kernels.scalarPairDots(a, c0, c1, range[0], range[1], scalar, 0);
            for (int k = 0; k < 5; k++) {
                // sums of n products of unit-variance terms: rounding ~ sqrt(n) ulp of terms of size ~1
                assertEquals(scalar[k], vector[k], 1e-5 * (1 + range[1]), Arrays.toString(range) + " sum " + k);
            }
        }
    }

    @Test
    void theFusedGradientAndAdamSweepsGiveTheSameBitsAsGradientsThenAdam() {
        assumeTrue(VectorSupport.enabled(), "Vector API kernels off in this JVM");
        Random r = new Random(2);
        float[] a = random(r);
        float[][] x = {random(r), random(r), random(r)};
        float[][] m = {random(r), random(r), random(r)};
        float[][] v = new float[3][];
        for (int k = 0; k < 3; k++) {
            v[k] = random(r);
            for (int j = 0; j < SIZE; j++) {
                v[k][j] = Math.abs(v[k][j]);
            }
        }
        float[][] xs = {x[0].clone(), x[1].clone(), x[2].clone()};
        float[][] ms = {m[0].clone(), m[1].clone(), m[2].clone()};
        float[][] vs = {v[0].clone(), v[1].clone(), v[2].clone()};
        int from = 13;
        int to = 13 + 784 + 7;
        float b1 = 0.5f;
        float b2 = 0.999f;
        float size = 3e-3f;
        float root = 1.7f;
        float eps = 1e-8f;
        VectorKernels.pairStep(a, x[0], x[1], m[0], v[0], m[1], v[1], from, to, 0.3f, -0.2f, 0.01f,
                1.5f, 0.2f, 0.9f, b1, b2, size, root, eps);
        VectorKernels.biasStep(a, x[2], m[2], v[2], from, to, 0.05f, b1, b2, size, root, eps);

        float[] g0 = new float[SIZE];
        float[] g1 = new float[SIZE];
        float[] gb = new float[SIZE];
        Kernels.pairGradients(a, xs[0], xs[1], g0, g1, from, to, 0.3f, -0.2f, 0.01f, 1.5f, 0.2f, 0.9f);
        Kernels.biasGradient(a, xs[2], gb, from, to, 0.05f);
        float[][] g = {g0, g1, gb};
        for (int k = 0; k < 3; k++) {
            for (int j = from; j < to; j++) {
                xs[k][j] = FactorAdam.stepped(xs[k][j], g[k][j], ms[k], vs[k], j, b1, 1 - b1, b2, 1 - b2, size, root, eps);
            }
            assertArrayEquals(xs[k], x[k], "parameters " + k);
            assertArrayEquals(ms[k], m[k], "first moments " + k);
            assertArrayEquals(vs[k], v[k], "second moments " + k);
        }
    }
}
