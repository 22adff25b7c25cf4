package io.csflow.core.solver;

import java.util.Arrays;

/**
 * Adam (Kingma and Ba, 2015) on the {@link LowRankFactors} in place, in plain Java: the factors are many
 * small per-record vectors kept on the Java heap, so one loop over them beats copying them to native
 * memory for a fused op. Elementwise, so each record's factors evolve as if alone. The moments are float,
 * as the factors are (PyTorch's Adam keeps them in the parameters' precision too).
 */
final class FactorAdam {

    private final float lr;
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final float[][] first;
    private final float[][] second;
    private int step;
    private float stepSize;
    private float rootC2;

    FactorAdam(LowRankFactors factors, double lr, double beta1, double beta2, double epsilon) {
        if (!(lr > 0) || !Double.isFinite(lr)) {
            throw new IllegalArgumentException("Invalid learning rate: " + lr);
        }
        if (!(beta1 >= 0 && beta1 < 1)) {
            throw new IllegalArgumentException("Invalid beta parameter at index 0: " + beta1);
        }
        if (!(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("Invalid beta parameter at index 1: " + beta2);
        }
        this.lr = (float) lr;
        this.beta1 = (float) beta1;
        this.beta2 = (float) beta2;
        this.epsilon = (float) epsilon;
        first = new float[factors.slots()][];
        second = new float[factors.slots()][];
        for (int l = 0; l < factors.layers(); l++) {
            for (int c = 0; c < LowRankFactors.COMPONENTS; c++) {
                int s = LowRankFactors.slot(l, c);
                first[s] = new float[factors.values(l, c).length];
                second[s] = new float[factors.values(l, c).length];
            }
        }
    }

    /**
     * Starts a step: the following {@link #update} calls apply it to disjoint parts of the factors, so a
     * caller can update each part while it is still in cache from computing its gradient.
     */
    void nextStep() {
        step++;
        // lr * mhat / (sqrt(vhat) + eps) = (lr c1) m / (sqrt(c2) sqrt(v) + eps): two constants per step, and
        // the loop below keeps one sqrt and one division per entry
        stepSize = (float) (lr / (1 - Math.pow(beta1, step)));
        rootC2 = (float) (1.0 / Math.sqrt(1 - Math.pow(beta2, step)));
    }

    /** This step ({@link #nextStep()}) on entries [from, to) of one component of layer l, from its gradients. */
    void update(LowRankFactors f, int l, int component, int from, int to) {
        int s = LowRankFactors.slot(l, component);
        step(f.values(l, component), f.gradients(l, component), first[s], second[s], from, to,
                beta1, beta2, stepSize, rootC2, epsilon);
    }

    /**
     * The loop itself, every array at one index and everything else a local: the JIT vectorises it only
     * when it can see that the writes cannot overlap the reads still to come.
     */
    private static void step(float[] params, float[] gradients, float[] m1, float[] m2, int from, int to,
                             float b1, float b2, float size, float root, float eps) {
        float a1 = 1 - b1;
        float a2 = 1 - b2;
        for (int j = from; j < to; j++) {
            float g = gradients[j];
            float m = b1 * m1[j] + a1 * g;
            float v = b2 * m2[j] + a2 * g * g;
            m1[j] = m;
            m2[j] = v;
            params[j] -= size * m / (root * (float) Math.sqrt(v) + eps);
        }
    }

    void reset() {
        for (float[] a : first) {
            Arrays.fill(a, 0f);
        }
        for (float[] a : second) {
            Arrays.fill(a, 0f);
        }
        step = 0;
    }
}
