package io.csflow.core.solver;

/**
 * Adam (Kingma and Ba, 2015) over one double[] of parameters in place, in plain Java: the low-rank theta
 * stage's parameters are many small per-record vectors kept on the Java heap, so one loop over them beats
 * copying them to native memory for a fused op. Elementwise, so each record's factors evolve as if alone.
 */
final class FactorAdam {

    private final double lr;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double[] first;
    private final double[] second;
    private int step;
    private double stepSize;
    private double rootC2;

    FactorAdam(int size, double lr, double beta1, double beta2, double epsilon) {
        if (!(lr > 0) || !Double.isFinite(lr)) {
            throw new IllegalArgumentException("Invalid learning rate: " + lr);
        }
        if (!(beta1 >= 0 && beta1 < 1)) {
            throw new IllegalArgumentException("Invalid beta parameter at index 0: " + beta1);
        }
        if (!(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("Invalid beta parameter at index 1: " + beta2);
        }
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        first = new double[size];
        second = new double[size];
    }

    /** params -= lr * mhat / (sqrt(vhat) + eps) with the bias-corrected moments of gradients, all entries. */
    void step(double[] params, double[] gradients) {
        nextStep();
        update(params, gradients, 0, params.length);
    }

    /**
     * Starts a step: the following {@link #update} calls apply it to disjoint parts of the parameters, so a
     * caller can update each part while it is still in cache from computing its gradient.
     */
    void nextStep() {
        step++;
        // lr * mhat / (sqrt(vhat) + eps) = (lr c1) m / (sqrt(c2) sqrt(v) + eps): two constants per step, and
        // the loop below keeps one sqrt and one division per entry
        stepSize = lr / (1 - Math.pow(beta1, step));
        rootC2 = 1.0 / Math.sqrt(1 - Math.pow(beta2, step));
    }

    /**
     * This step ({@link #nextStep()}) on params[from, from + length), whose gradients are at the same
     * indices of gradients. One index for all four arrays on purpose: the JIT vectorises the loop only
     * when it can see that the writes to params cannot overlap the gradients still to be read (with
     * separate offsets it runs ~4x slower, measured).
     */
    void update(double[] params, double[] gradients, int from, int length) {
        double a1 = 1 - beta1;
        double a2 = 1 - beta2;
        double b1 = beta1;
        double b2 = beta2;
        double size = stepSize;
        double root = rootC2;
        double eps = epsilon;
        double[] m1 = first;
        double[] m2 = second;
        int end = from + length;
        for (int j = from; j < end; j++) {
            double g = gradients[j];
            double m = b1 * m1[j] + a1 * g;
            double v = b2 * m2[j] + a2 * g * g;
            m1[j] = m;
            m2[j] = v;
            params[j] -= size * m / (root * Math.sqrt(v) + eps);
        }
    }

    void reset() {
        java.util.Arrays.fill(first, 0.0);
        java.util.Arrays.fill(second, 0.0);
        step = 0;
    }
}
