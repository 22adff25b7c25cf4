package io.csflow.core.learn;

/**
 * Solves the Nash-MTL bargaining equation (Navon et al., "Multi-Task Learning as a Bargaining Game",
 * ICML 2022, Eq. 4 / Claim 3.2): find a > 0 with (M a)_i = 1 / a_i, M = G G^T the Gram matrix of the task
 * gradients. The plain functions behind {@link NashMtlWeighting}.
 *
 * <p>Our own solver, not the paper's sequence of convex programs. Scaling first: with n_i = ||g_i|| and
 * C = D^-1 M D^-1 (D = diag(n), so C is the gradients' cosine matrix with unit diagonal), the substitution
 * a_i = b_i / n_i turns the equation into b_i (C b)_i = 1, independent of the gradient norms; a norm ratio of
 * 1e4 costs nothing in conditioning. That equation is the stationarity condition of the strictly convex
 * f(b) = b^T C b / 2 - sum_i log b_i on b > 0, which is self-concordant; damped Newton with a backtracking
 * line search that keeps b > 0 (Boyd and Vandenberghe, Convex Optimization, 9.5-9.6) converges from any
 * positive start when a solution exists. It does not exist when some gradient is zero, or when f is
 * unbounded below (e.g. g_1 = -g_2); both end as a failed {@link Result}, never an exception.
 */
final class NashSolver {

    /** Outcome: weights (null on failure), the residual max_i |a_i (M a)_i - 1| on the unscaled M, and why. */
    record Result(double[] weights, boolean converged, int iterations, double residual, String reason) {
    }

    private NashSolver() {
    }

    /** The equation residual max_i |a_i (M a)_i - 1|. */
    static double residual(double[][] m, double[] a) {
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            double s = 0;
            for (int j = 0; j < a.length; j++) {
                s += m[i][j] * a[j];
            }
            double r = Math.abs(a[i] * s - 1);
            if (!(r <= worst)) {
                worst = r; // NaN sticks
            }
        }
        return worst;
    }

    static Result solve(double[][] m, double tolerance, int maxIterations) {
        int k = m.length;
        double[] norm = new double[k];
        for (int i = 0; i < k; i++) {
            double sq = m[i][i];
            if (!(sq > 0) || !Double.isFinite(sq)) {
                return failure(0, Double.NaN, "task " + i + " has a zero or non-finite gradient (squared norm "
                        + sq + ")");
            }
            norm[i] = Math.sqrt(sq);
        }
        double[][] c = new double[k][k];
        double total = 0;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                c[i][j] = i == j ? 1.0 : m[i][j] / (norm[i] * norm[j]);
                if (!Double.isFinite(c[i][j])) {
                    return failure(0, Double.NaN, "non-finite Gram entry M[" + i + "][" + j + "] = " + m[i][j]);
                }
                total += c[i][j];
            }
        }
        // best multiple of the ones vector: f(t 1) = t^2 S / 2 - K log t is minimal at t = sqrt(K / S)
        double[] b = new double[k];
        java.util.Arrays.fill(b, total > 0 ? Math.sqrt(k / total) : 1.0);
        double innerTolerance = Math.min(1e-3 * tolerance, 1e-10);
        double[] cb = new double[k];
        double[] grad = new double[k];
        double[] step = new double[k];
        double[] trial = new double[k];
        double[][] hessian = new double[k][k];
        int it = 0;
        for (; it < maxIterations; it++) {
            MinNormSolver.multiply(c, b, cb);
            double worst = 0;
            for (int i = 0; i < k; i++) {
                worst = Math.max(worst, Math.abs(b[i] * cb[i] - 1));
                grad[i] = cb[i] - 1 / b[i];
            }
            if (worst < innerTolerance) {
                break;
            }
            for (int i = 0; i < k; i++) {
                System.arraycopy(c[i], 0, hessian[i], 0, k);
                hessian[i][i] += 1 / (b[i] * b[i]);
                step[i] = -grad[i];
            }
            if (!Cholesky.solveInPlace(hessian, step)) {
                return failure(it, Double.NaN, "Newton system not positive definite at iteration " + it);
            }
            double slope = MinNormSolver.dot(grad, step); // -(Newton decrement)^2 < 0
            if (!(slope < 0)) {
                if (slope == 0) {
                    break; // no further progress possible in double; judged by the final residual
                }
                return failure(it, Double.NaN, "Newton step is not a descent step (slope " + slope + ")");
            }
            double t = 1;
            double f0 = objective(c, b);
            boolean accepted = false;
            for (int halvings = 0; halvings < 60; halvings++, t *= 0.5) {
                boolean positive = true;
                for (int i = 0; i < k; i++) {
                    trial[i] = b[i] + t * step[i];
                    positive &= trial[i] > 0;
                }
                if (positive && objective(c, trial) <= f0 + 0.25 * t * slope) {
                    accepted = true;
                    break;
                }
            }
            if (!accepted) {
                break; // line search stalled at round-off; judged by the final residual
            }
            System.arraycopy(trial, 0, b, 0, k);
        }
        double[] a = new double[k];
        for (int i = 0; i < k; i++) {
            a[i] = b[i] / norm[i];
            if (!(a[i] > 0) || !Double.isFinite(a[i])) {
                return failure(it, Double.NaN, "weight " + i + " is " + a[i] + " after " + it + " iterations");
            }
        }
        double residual = residual(m, a);
        if (!(residual < tolerance)) {
            return failure(it, residual, "no convergence in " + it + " iterations (residual " + residual
                    + ", tolerance " + tolerance + "); the Gram matrix may be singular with opposing gradients");
        }
        return new Result(a, true, it, residual, "converged");
    }

    /** f(b) = b^T C b / 2 - sum log b. */
    private static double objective(double[][] c, double[] b) {
        double quad = 0;
        double logs = 0;
        for (int i = 0; i < b.length; i++) {
            double s = 0;
            for (int j = 0; j < b.length; j++) {
                s += c[i][j] * b[j];
            }
            quad += b[i] * s;
            logs += Math.log(b[i]);
        }
        return 0.5 * quad - logs;
    }

    private static Result failure(int iterations, double residual, String reason) {
        return new Result(null, false, iterations, residual, reason);
    }

    /** Dense Cholesky for the small K x K Newton systems. */
    static final class Cholesky {
        private Cholesky() {
        }

        /** Solves A x = rhs for symmetric positive definite A; A is overwritten, rhs becomes x. */
        static boolean solveInPlace(double[][] a, double[] rhs) {
            int n = rhs.length;
            for (int j = 0; j < n; j++) {
                double d = a[j][j];
                for (int p = 0; p < j; p++) {
                    d -= a[j][p] * a[j][p];
                }
                if (!(d > 0) || !Double.isFinite(d)) {
                    return false;
                }
                double l = Math.sqrt(d);
                a[j][j] = l;
                for (int i = j + 1; i < n; i++) {
                    double s = a[i][j];
                    for (int p = 0; p < j; p++) {
                        s -= a[i][p] * a[j][p];
                    }
                    a[i][j] = s / l;
                }
            }
            for (int i = 0; i < n; i++) {
                double s = rhs[i];
                for (int p = 0; p < i; p++) {
                    s -= a[i][p] * rhs[p];
                }
                rhs[i] = s / a[i][i];
            }
            for (int i = n - 1; i >= 0; i--) {
                double s = rhs[i];
                for (int p = i + 1; p < n; p++) {
                    s -= a[p][i] * rhs[p];
                }
                rhs[i] = s / a[i][i];
            }
            return true;
        }
    }
}
