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

    /** params -= lr * mhat / (sqrt(vhat) + eps) with the bias-corrected moments of gradients. */
    void step(double[] params, double[] gradients) {
        step++;
        double c1 = 1.0 / (1 - Math.pow(beta1, step));
        double c2 = 1.0 / (1 - Math.pow(beta2, step));
        double a1 = 1 - beta1;
        double a2 = 1 - beta2;
        for (int i = 0; i < params.length; i++) {
            double g = gradients[i];
            double m = beta1 * first[i] + a1 * g;
            double v = beta2 * second[i] + a2 * g * g;
            first[i] = m;
            second[i] = v;
            params[i] -= lr * (m * c1) / (Math.sqrt(v * c2) + epsilon);
        }
    }

    void reset() {
        java.util.Arrays.fill(first, 0.0);
        java.util.Arrays.fill(second, 0.0);
        step = 0;
    }
}
