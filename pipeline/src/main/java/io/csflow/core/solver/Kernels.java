package io.csflow.core.solver;

import io.csflow.core.nn.VectorSupport;

/**
 * The plain-Java loops of the low-rank theta stage, one per job, each over arrays that it reads and writes
 * at one index {@code j} (see {@link LowRankFactors} for why) and with a body small enough for the JIT to
 * unroll and vectorise: loops with more than two stores or so are left scalar (measured: the V gradients as
 * one loop with three stores 1.8 ns per element, as a two-store loop and a one-store loop 0.57; a loop fusing
 * the gradients with Adam's update 2.6 ns per parameter against 1.0 for the two apart).
 */
final class Kernels {

    private Kernels() {
    }

    /**
     * The five dot products of a row a with a pair of vectors c0, c1 and of the pair with itself, over
     * [from, from + n), in one pass (each element read once): out[at..at+5) := a.c0, a.c1, c0.c0, c0.c1, c1.c1.
     * Two partial sums each, so the five sums are ten independent chains (the JIT does not reorder a float sum).
     */
    static void pairDots(float[] a, float[] c0, float[] c1, int from, int n, float[] out, int at) {
        if (VectorSupport.enabled()) {
            VectorKernels.pairDots(a, c0, c1, from, n, out, at);
            return;
        }
        scalarPairDots(a, c0, c1, from, n, out, at);
    }

    /** {@link #pairDots} in plain Java (also the reference its Vector API twin is tested against). */
    static void scalarPairDots(float[] a, float[] c0, float[] c1, int from, int n, float[] out, int at) {
        float p0 = 0;
        float p1 = 0;
        float g00 = 0;
        float g01 = 0;
        float g11 = 0;
        float q0 = 0;
        float q1 = 0;
        float k00 = 0;
        float k01 = 0;
        float k11 = 0;
        int end = from + n;
        int j = from;
        for (; j + 1 < end; j += 2) {
            float h = a[j];
            float x = c0[j];
            float y = c1[j];
            p0 += h * x;
            p1 += h * y;
            g00 += x * x;
            g01 += x * y;
            g11 += y * y;
            float h2 = a[j + 1];
            float x2 = c0[j + 1];
            float y2 = c1[j + 1];
            q0 += h2 * x2;
            q1 += h2 * y2;
            k00 += x2 * x2;
            k01 += x2 * y2;
            k11 += y2 * y2;
        }
        if (j < end) {
            float h = a[j];
            float x = c0[j];
            float y = c1[j];
            p0 += h * x;
            p1 += h * y;
            g00 += x * x;
            g01 += x * y;
            g11 += y * y;
        }
        out[at] = p0 + q0;
        out[at + 1] = p1 + q1;
        out[at + 2] = g00 + k00;
        out[at + 3] = g01 + k01;
        out[at + 4] = g11 + k11;
    }

    /** rows[j] += db[j] + p0 v0[j] + p1 v1[j] on [from, to): a record's bias change and rank-2 term. */
    static void addLowRank(float[] rows, float[] db, float[] v0, float[] v1, int from, int to, float p0, float p1) {
        for (int j = from; j < to; j++) {
            rows[j] += db[j] + p0 * v0[j] + p1 * v1[j];
        }
    }

    /** rows[j] += sw * noise[j] on [from, to): a record's share of a weight-noise product. */
    static void addScaled(float[] rows, float[] noise, int from, int to, float sw) {
        for (int j = from; j < to; j++) {
            rows[j] += sw * noise[j];
        }
    }

    /**
     * The gradients of a record's pair of factor vectors (V's two rows, or U's two columns) on [from, to):
     * g_k[j] = s_k a[j] + c (G x)_k[j], with x = (x0, x1) the pair, G = [[g00, g01], [g01, g11]] the Gram
     * matrix of the other factor (the penalty's gradient) and s_k the pair's projection of the layer's other
     * side: for V, a = dPre and s = h U; for U, a = h and s = dPre V^T.
     */
    static void pairGradients(float[] a, float[] x0, float[] x1, float[] g0, float[] g1, int from, int to,
                              float s0, float s1, float c, float g00, float g01, float g11) {
        for (int j = from; j < to; j++) {
            float aj = a[j];
            float p = x0[j];
            float q = x1[j];
            g0[j] = s0 * aj + c * (g00 * p + g01 * q);
            g1[j] = s1 * aj + c * (g01 * p + g11 * q);
        }
    }

    /** gb[j] = d[j] + cb db[j] on [from, to): a record's bias-change gradient, the penalty's included. */
    static void biasGradient(float[] d, float[] db, float[] gb, int from, int to, float cb) {
        for (int j = from; j < to; j++) {
            gb[j] = d[j] + cb * db[j];
        }
    }

    /** dIn[j] = q0 u0[j] + q1 u1[j] on [from, to): a record's share of the layer's input gradient, (dPre V^T) U^T. */
    static void combine(float[] u0, float[] u1, float[] dIn, int from, int to, float q0, float q1) {
        for (int j = from; j < to; j++) {
            dIn[j] = q0 * u0[j] + q1 * u1[j];
        }
    }
}
