package io.csflow.core.learn;

/**
 * The min-norm point of the convex hull of K vectors, on their Gram matrix only: the plain functions
 * behind {@link MgdaWeighting}.
 *
 * <p>Two vectors in closed form (Sener and Koltun, "Multi-Task Learning as Multi-Objective Optimization",
 * NeurIPS 2018, Algorithm 1). More vectors by Wolfe's exact, finite min-norm-point algorithm (Wolfe,
 * "Finding the nearest point in a polytope", Math. Programming 11, 1976), with Sener and Koltun's
 * Frank-Wolfe (their Algorithm 2) as the fallback when an affine subproblem is singular; the better of the
 * two is returned. Plain Frank-Wolfe alone zig-zags (O(1/t)) and was 0.2% above the minimum norm after
 * 1000 iterations on a three-task test, hence the exact method.
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
        double[] a = frankWolfe(m, maxIterations, gapTolerance, scale);
        double[] exact = scale > 0 ? wolfe(m, maxIterations, gapTolerance, scale) : null;
        if (exact != null && quadratic(m, exact) <= quadratic(m, a)) {
            return exact;
        }
        return a;
    }

    static double[] frankWolfe(double[][] m, int maxIterations, double gapTolerance, double scale) {
        int k = m.length;
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

    /** Wolfe's algorithm on the Gram matrix; null when an affine subproblem is singular. */
    static double[] wolfe(double[][] m, int maxIterations, double gapTolerance, double scale) {
        int k = m.length;
        boolean[] support = new boolean[k];
        double[] lambda = new double[k];
        int start = 0;
        for (int i = 1; i < k; i++) {
            if (m[i][i] < m[start][start]) {
                start = i;
            }
        }
        support[start] = true;
        lambda[start] = 1;
        double[] ma = new double[k];
        for (int outer = 0; outer < maxIterations; outer++) {
            multiply(m, lambda, ma);
            int j = 0;
            for (int i = 1; i < k; i++) {
                if (ma[i] < ma[j]) {
                    j = i;
                }
            }
            if (dot(lambda, ma) - ma[j] <= gapTolerance * scale || support[j]) {
                return lambda;
            }
            support[j] = true;
            for (int inner = 0; inner <= k; inner++) {
                double[] mu = affineMinimum(m, support, scale);
                if (mu == null) {
                    return null;
                }
                boolean interior = true;
                double theta = 1;
                for (int i = 0; i < k; i++) {
                    if (support[i] && mu[i] <= 0) {
                        interior = false;
                        theta = Math.min(theta, lambda[i] / (lambda[i] - mu[i]));
                    }
                }
                if (interior) {
                    lambda = mu;
                    break;
                }
                for (int i = 0; i < k; i++) {
                    if (support[i]) {
                        lambda[i] += theta * (mu[i] - lambda[i]);
                        if (lambda[i] <= 1e-15) {
                            lambda[i] = 0;
                            support[i] = false;
                        }
                    }
                }
            }
        }
        return lambda;
    }

    /**
     * The weights mu (zero off the support, summing to 1) of the min-norm point of the affine hull of the
     * supported vectors: [M_SS 1; 1^T 0] [mu; -nu] = [0; 1]. Null when that system is singular.
     */
    private static double[] affineMinimum(double[][] m, boolean[] support, double scale) {
        int k = m.length;
        int[] index = new int[k];
        int n = 0;
        for (int i = 0; i < k; i++) {
            if (support[i]) {
                index[n++] = i;
            }
        }
        double[][] a = new double[n + 1][n + 2];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                a[r][c] = m[index[r]][index[c]] / scale;
            }
            a[r][n] = 1;
            a[n][r] = 1;
        }
        a[n][n + 1] = 1;
        int size = n + 1;
        for (int col = 0; col < size; col++) {
            int pivot = col;
            for (int r = col + 1; r < size; r++) {
                if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
                    pivot = r;
                }
            }
            if (!(Math.abs(a[pivot][col]) > 1e-13)) {
                return null;
            }
            double[] tmp = a[col];
            a[col] = a[pivot];
            a[pivot] = tmp;
            for (int r = 0; r < size; r++) {
                if (r != col) {
                    double f = a[r][col] / a[col][col];
                    for (int c = col; c <= size; c++) {
                        a[r][c] -= f * a[col][c];
                    }
                }
            }
        }
        double[] mu = new double[k];
        for (int r = 0; r < n; r++) {
            mu[index[r]] = a[r][size] / a[r][r];
            if (!Double.isFinite(mu[index[r]])) {
                return null;
            }
        }
        return mu;
    }

    static double quadratic(double[][] m, double[] a) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a.length; j++) {
                s += a[i] * m[i][j] * a[j];
            }
        }
        return s;
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
