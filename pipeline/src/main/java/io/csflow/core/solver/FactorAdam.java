package io.csflow.core.solver;

import io.csflow.core.nn.Adam;
import io.csflow.core.nn.VectorSupport;

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
        Adam.checkHyperparameters(lr, beta1, beta2, epsilon);
        this.lr = (float) lr;
        this.beta1 = (float) beta1;
        this.beta2 = (float) beta2;
        this.epsilon = (float) epsilon;
        first = new float[factors.slots()][];
        second = new float[factors.slots()][];
        for (int l = factors.firstAdapted(); l < factors.layers(); l++) {
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

    /**
     * The gradients of a pair of components of layer l ({@code pair} and {@code pair + 1}: U's columns or
     * V's rows) on entries [from, to), as {@link Kernels#pairGradients} with the same arguments, and this
     * step on both: fused in one sweep on the Vector API, else the gradients go through the gradient arrays.
     */
    void pairStep(LowRankFactors f, int l, int pair, float[] a, int from, int to, float s0, float s1, float c,
                  float g00, float g01, float g11) {
        float[] x0 = f.values(l, pair);
        float[] x1 = f.values(l, pair + 1);
        if (VectorSupport.enabled()) {
            int k0 = LowRankFactors.slot(l, pair);
            int k1 = LowRankFactors.slot(l, pair + 1);
            VectorKernels.pairStep(a, x0, x1, first[k0], second[k0], first[k1], second[k1], from, to, s0, s1, c,
                    g00, g01, g11, beta1, beta2, stepSize, rootC2, epsilon);
            return;
        }
        Kernels.pairGradients(a, x0, x1, f.gradients(l, pair), f.gradients(l, pair + 1), from, to, s0, s1, c,
                g00, g01, g11);
        update(f, l, pair, from, to);
        update(f, l, pair + 1, from, to);
    }

    /** db's gradient of layer l on [from, to), as {@link Kernels#biasGradient}, and this step on it. */
    void biasStep(LowRankFactors f, int l, float[] d, int from, int to, float cb) {
        float[] db = f.values(l, LowRankFactors.DB);
        if (VectorSupport.enabled()) {
            int k = LowRankFactors.slot(l, LowRankFactors.DB);
            VectorKernels.biasStep(d, db, first[k], second[k], from, to, cb, beta1, beta2, stepSize, rootC2,
                    epsilon);
            return;
        }
        Kernels.biasGradient(d, db, f.gradients(l, LowRankFactors.DB), from, to, cb);
        update(f, l, LowRankFactors.DB, from, to);
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
            params[j] = stepped(params[j], gradients[j], m1, m2, j, b1, a1, b2, a2, size, root, eps);
        }
    }

    /**
     * One entry's step (moments updated in place): the body of {@link #step}'s loop, which the JIT inlines and
     * vectorises as if written out there (measured: the same 0.37 ns per entry), and of {@link VectorKernels}'
     * scalar tails, which must give the same bits.
     */
    static float stepped(float x, float g, float[] m1, float[] m2, int j, float b1, float a1, float b2, float a2,
                         float size, float root, float eps) {
        float m = b1 * m1[j] + a1 * g;
        float v = b2 * m2[j] + a2 * g * g;
        m1[j] = m;
        m2[j] = v;
        return x - size * m / (root * (float) Math.sqrt(v) + eps);
    }

    void reset() {
        for (float[][] moments : new float[][][]{first, second}) {
            for (float[] a : moments) {
                if (a != null) {
                    Arrays.fill(a, 0f);
                }
            }
        }
        step = 0;
    }
}
