package io.csflow.core.solver;

/**
 * The plain-Java loops of the low-rank theta stage, one per job, each over arrays that it reads and writes
 * at one index {@code j} (see {@link LowRankFactors} for why) and with a body small enough for the JIT to
 * unroll and vectorise (a loop fusing the gradients with Adam's update did not vectorise: 2.6 ns per
 * parameter against 1.0 for the gradient loop followed by Adam's, measured).
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
     * A record's gradients of V's two rows and of db on [from, to), from the pre-activation gradient d and
     * the forward's p = h U: dV_k = p_k d + c (U^T U V)_k (the penalty's, with Gram u = U^T U), ddb = d + cb db.
     */
    static void vGradients(float[] d, float[] v0, float[] v1, float[] db, float[] g0, float[] g1, float[] gb,
                           int from, int to, float p0, float p1, float c, float cb, float u00, float u01, float u11) {
        for (int j = from; j < to; j++) {
            float dj = d[j];
            float a = v0[j];
            float e = v1[j];
            g0[j] = p0 * dj + c * (u00 * a + u01 * e);
            g1[j] = p1 * dj + c * (u01 * a + u11 * e);
            gb[j] = dj + cb * db[j];
        }
    }

    /**
     * A record's gradients of U's two columns on [from, to), from the layer input h and q = d V^T:
     * dU_k = q_k h + c (U V V^T)_k (the penalty's, with Gram v = V V^T); also its share of the input
     * gradient, dIn[j] = q0 U0[j] + q1 U1[j] (U before this step's update).
     */
    static void uGradients(float[] h, float[] u0, float[] u1, float[] g0, float[] g1, float[] dIn,
                           int from, int to, float q0, float q1, float c, float v00, float v01, float v11) {
        for (int j = from; j < to; j++) {
            float hj = h[j];
            float a = u0[j];
            float e = u1[j];
            g0[j] = q0 * hj + c * (v00 * a + v01 * e);
            g1[j] = q1 * hj + c * (v01 * a + v11 * e);
            dIn[j] = q0 * a + q1 * e;
        }
    }
}
