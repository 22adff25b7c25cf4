package io.csflow.core.learn;

/**
 * MGDA: the min-norm point of the convex hull of the task gradients (Desideri 2012; Sener and Koltun,
 * "Multi-Task Learning as Multi-Objective Optimization", NeurIPS 2018). The weights are convex
 * (a_i >= 0, sum a_i = 1) and d . g_i >= ||d||^2 >= 0 for every task, so d is a common descent direction,
 * or d = 0 at a Pareto-stationary point. Two tasks use the closed form; more use, on the Gram
 * matrix, Wolfe's exact min-norm-point algorithm, Frank-Wolfe as fallback (see {@link MinNormSolver}). Stateless.
 */
public final class MgdaWeighting implements GradientWeighting {

    private final int maxIterations;
    private final double gapTolerance;

    /** 1000 iterations at most, stopping at a Frank-Wolfe duality gap of 1e-12 max_i ||g_i||^2. */
    public MgdaWeighting() {
        this(1000, 1e-12);
    }

    /**
     * @param maxIterations outer iterations at most (K > 2), >= 1
     * @param gapTolerance stop when the duality gap is below this times max_i ||g_i||^2, in (0, 1)
     */
    public MgdaWeighting(int maxIterations, double gapTolerance) {
        if (maxIterations < 1) {
            throw new IllegalArgumentException("Invalid maxIterations (must be >= 1): " + maxIterations);
        }
        if (!(gapTolerance > 0 && gapTolerance < 1)) {
            throw new IllegalArgumentException("Invalid gapTolerance (must be in (0, 1)): " + gapTolerance);
        }
        this.maxIterations = maxIterations;
        this.gapTolerance = gapTolerance;
    }

    @Override
    public double[] weights(TaskGradients tasks) {
        return MinNormSolver.solve(tasks.gram(), maxIterations, gapTolerance);
    }
}
