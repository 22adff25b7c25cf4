package io.csflow.core.solver;

/** The few plain-Java vector loops of the low-rank theta stage. */
final class Kernels {

    private Kernels() {
    }

    /** sum_j a[ai + j] b[bi + j], four independent partial sums (the JIT does not reorder a float sum). */
    static double dot(double[] a, int ai, double[] b, int bi, int n) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int j = 0;
        for (; j + 3 < n; j += 4) {
            s0 += a[ai + j] * b[bi + j];
            s1 += a[ai + j + 1] * b[bi + j + 1];
            s2 += a[ai + j + 2] * b[bi + j + 2];
            s3 += a[ai + j + 3] * b[bi + j + 3];
        }
        for (; j < n; j++) {
            s0 += a[ai + j] * b[bi + j];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /**
     * The five dot products of a row a with a pair of vectors c0 = c[ci, ci + n), c1 = c[ci + n, ci + 2n) and
     * of the pair with itself, in one pass (each element read once): out[at..at+5) := a.c0, a.c1, c0.c0,
     * c0.c1, c1.c1. Two partial sums each, so the five sums are ten independent chains.
     */
    static void pairDots(double[] a, int ai, double[] c, int ci, int n, double[] out, int at) {
        double p0 = 0;
        double p1 = 0;
        double g00 = 0;
        double g01 = 0;
        double g11 = 0;
        double q0 = 0;
        double q1 = 0;
        double k00 = 0;
        double k01 = 0;
        double k11 = 0;
        int c1 = ci + n;
        int j = 0;
        for (; j + 1 < n; j += 2) {
            double h = a[ai + j];
            double x = c[ci + j];
            double y = c[c1 + j];
            p0 += h * x;
            p1 += h * y;
            g00 += x * x;
            g01 += x * y;
            g11 += y * y;
            double h2 = a[ai + j + 1];
            double x2 = c[ci + j + 1];
            double y2 = c[c1 + j + 1];
            q0 += h2 * x2;
            q1 += h2 * y2;
            k00 += x2 * x2;
            k01 += x2 * y2;
            k11 += y2 * y2;
        }
        if (j < n) {
            double h = a[ai + j];
            double x = c[ci + j];
            double y = c[c1 + j];
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
}
