package io.csflow.core.learn;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Serial;
import java.io.Serializable;
import java.util.Arrays;

/**
 * Nash-MTL (Navon et al., "Multi-Task Learning as a Bargaining Game", ICML 2022): the weights a > 0 that
 * solve (G G^T a)_i = 1 / a_i, the Nash bargaining solution among the tasks. Each task then sees
 * d . g_i = 1 / a_i > 0 (a descent direction for all), and for pairwise orthogonal gradients a_i = 1/||g_i||,
 * so d = sum_i g_i / ||g_i||. Solved by {@link NashSolver} to max_i |a_i (G G^T a)_i - 1| < tolerance.
 *
 * <p>When the equation has no solution (a zero gradient, opposing gradients with a singular Gram matrix)
 * or the solver does not converge, this returns the {@link Fallback} weights, logs a warning and counts the
 * failure ({@link #failures()}, for a metric). With {@code recomputeEvery = k > 1} the weights are solved
 * on calls 0, k, 2k, ... and the last solved weights are reused in between (the paper's "update every k").
 * State (last weights, call and failure counts) is {@link State}, for snapshots.
 */
public final class NashMtlWeighting implements GradientWeighting {

    private static final Logger LOG = LoggerFactory.getLogger(NashMtlWeighting.class);

    /** What to return when the equation cannot be solved. */
    public enum Fallback {
        /** The last successfully solved weights; a_i = 1 (linear) if there are none for this K yet. */
        PREVIOUS,
        /** a_i = 1 (linear scalarisation). */
        LINEAR
    }

    /** Snapshot of the mutable state; {@code previous} is null before the first success. */
    public record State(double[] previous, long calls, long failures) implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;

        public State {
            previous = previous == null ? null : previous.clone();
        }

        @Override
        public double[] previous() {
            return previous == null ? null : previous.clone();
        }
    }

    private final double tolerance;
    private final int maxIterations;
    private final int recomputeEvery;
    private final Fallback fallback;

    private double[] previous;
    private long calls;
    private long failures;

    /** Residual tolerance 1e-6, 100 Newton iterations, solved every call, previous weights on failure. */
    public NashMtlWeighting() {
        this(1e-6, 100, 1, Fallback.PREVIOUS);
    }

    /**
     * @param tolerance bound on max_i |a_i (G G^T a)_i - 1| for a solution to count, in (0, 1)
     * @param maxIterations Newton iterations at most, >= 1
     * @param recomputeEvery solve on every k-th call and reuse the last weights in between, >= 1
     * @param fallback what to return on failure
     */
    public NashMtlWeighting(double tolerance, int maxIterations, int recomputeEvery, Fallback fallback) {
        if (!(tolerance > 0 && tolerance < 1)) {
            throw new IllegalArgumentException("Invalid tolerance (must be in (0, 1)): " + tolerance);
        }
        if (maxIterations < 1) {
            throw new IllegalArgumentException("Invalid maxIterations (must be >= 1): " + maxIterations);
        }
        if (recomputeEvery < 1) {
            throw new IllegalArgumentException("Invalid recomputeEvery (must be >= 1): " + recomputeEvery);
        }
        if (fallback == null) {
            throw new IllegalArgumentException("Invalid fallback: null");
        }
        this.tolerance = tolerance;
        this.maxIterations = maxIterations;
        this.recomputeEvery = recomputeEvery;
        this.fallback = fallback;
    }

    @Override
    public double[] weights(TaskGradients tasks) {
        int k = tasks.tasks();
        long call = calls++;
        boolean havePrevious = previous != null && previous.length == k;
        if (havePrevious && call % recomputeEvery != 0) {
            return previous.clone();
        }
        NashSolver.Result result = NashSolver.solve(tasks.gram(), tolerance, maxIterations);
        if (result.converged()) {
            previous = result.weights();
            return previous.clone();
        }
        failures++;
        double[] a;
        if (fallback == Fallback.PREVIOUS && havePrevious) {
            a = previous.clone();
        } else {
            a = new double[k];
            Arrays.fill(a, 1.0);
        }
        LOG.warn("Nash-MTL weights not solved (call {}, failure {}): {}; using {} weights {}",
                call, failures, result.reason(), havePrevious && fallback == Fallback.PREVIOUS
                        ? "previous" : "linear", Arrays.toString(a));
        return a;
    }

    /** How many calls could not solve the equation (and returned the fallback). */
    public long failures() {
        return failures;
    }

    /** How many times {@link #weights} was called. */
    public long calls() {
        return calls;
    }

    public State state() {
        return new State(previous, calls, failures);
    }

    public void restore(State state) {
        this.previous = state.previous();
        this.calls = state.calls();
        this.failures = state.failures();
    }
}
