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
}
