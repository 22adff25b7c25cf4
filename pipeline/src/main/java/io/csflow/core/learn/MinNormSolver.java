package io.csflow.core.learn;

/**
 * The min-norm point of the convex hull of K vectors, on their Gram matrix only: the plain functions
 * behind {@link MgdaWeighting}.
 *
 * <p>Sener and Koltun, "Multi-Task Learning as Multi-Objective Optimization", NeurIPS 2018, Algorithm 2:
 * the two-vector case in closed form, more vectors by Frank-Wolfe with exact line search, stopped on the
 * Frank-Wolfe duality gap (which bounds the distance of f(a) = a^T M a / 2 to its minimum).
 */
final class MinNormSolver {

    private MinNormSolver() {
    }

    /**
     * Weight alpha on g1 minimising ||alpha g1 + (1 - alpha) g2||^2:
     * alpha = clamp(((g2 - g1) . g2) / ||g1 - g2||^2, 0, 1), and 1/2 when g1 = g2.
     */
    static double twoTask(double m11, double m12, double m22) {
        double denominator = m11 - 2 * m12 + m22;
        if (!(denominator > 0)) {
            return 0.5;
        }
        return Math.max(0, Math.min(1, (m22 - m12) / denominator));
    }

    /** Convex weights (non-negative, summing to 1) of the min-norm point; gapTolerance is relative to max M_ii. */
    static double[] solve(double[][] m, int maxIterations, double gapTolerance) {
        int k = m.length;
        if (k == 1) {
            return new double[] {1.0};
        }
        if (k == 2) {
            double alpha = twoTask(m[0][0], m[0][1], m[1][1]);
            return new double[] {alpha, 1 - alpha};
        }
        double scale = 0;
        for (int i = 0; i < k; i++) {
            scale = Math.max(scale, m[i][i]);
        }
        double[] a = new double[k];
        java.util.Arrays.fill(a, 1.0 / k);
        if (!(scale > 0)) {
            return a;
        }
        double[] ma = new double[k];
        for (int it = 0; it < maxIterations; it++) {
            multiply(m, a, ma);
            int t = 0;
            for (int i = 1; i < k; i++) {
                if (ma[i] < ma[t]) {
                    t = i;
                }
            }
            double aMa = dot(a, ma);
            double gap = aMa - ma[t];
            if (gap <= gapTolerance * scale) {
                break;
            }
            // exact line search between the current point d and the vertex g_t
            double gamma = 1 - twoTask(aMa, ma[t], m[t][t]);
            for (int i = 0; i < k; i++) {
                a[i] *= 1 - gamma;
            }
            a[t] += gamma;
        }
        return a;
    }

    static void multiply(double[][] m, double[] x, double[] out) {
        for (int i = 0; i < m.length; i++) {
            double s = 0;
            for (int j = 0; j < x.length; j++) {
                s += m[i][j] * x[j];
            }
            out[i] = s;
        }
    }

    static double dot(double[] x, double[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * y[i];
        }
        return s;
    }
}
