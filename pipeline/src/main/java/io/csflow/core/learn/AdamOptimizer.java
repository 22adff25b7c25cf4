package io.csflow.core.learn;

import io.csflow.core.nn.Adam;

import java.io.Serial;
import java.io.Serializable;

/**
 * Adam (Kingma and Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015) on a flat float vector, with
 * bias correction; the same update as {@link io.csflow.core.nn.Adam} without ND4J. Moments are allocated on
 * the first step (so one instance serves any P) and live in {@link State} for snapshots.
 */
public final class AdamOptimizer implements Optimizer {

    /** Snapshot: first and second moments (null before the first step) and the number of steps taken. */
    public record State(float[] firstMoment, float[] secondMoment, long steps) implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;

        public State {
            firstMoment = firstMoment == null ? null : firstMoment.clone();
            secondMoment = secondMoment == null ? null : secondMoment.clone();
        }

        @Override
        public float[] firstMoment() {
            return firstMoment == null ? null : firstMoment.clone();
        }

        @Override
        public float[] secondMoment() {
            return secondMoment == null ? null : secondMoment.clone();
        }
    }

    private final double lr;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private float[] m;
    private float[] v;
    private long steps;

    public AdamOptimizer(double lr) {
        this(lr, 0.9, 0.999, 1e-8);
    }

    public AdamOptimizer(double lr, double beta1, double beta2, double epsilon) {
        Adam.checkHyperparameters(lr, beta1, beta2, epsilon);
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
    }

    @Override
    public void step(float[] params, float[] grads) {
        Optimizer.checkShapes(params, grads);
        if (m == null) {
            m = new float[params.length];
            v = new float[params.length];
        } else if (m.length != params.length) {
            throw new IllegalArgumentException("Adam holds moments for " + m.length + " parameters but got "
                    + params.length);
        }
        steps++;
        double c1 = 1 - Math.pow(beta1, steps);
        double c2 = 1 - Math.pow(beta2, steps);
        for (int j = 0; j < params.length; j++) {
            double g = grads[j];
            m[j] = (float) (beta1 * m[j] + (1 - beta1) * g);
            v[j] = (float) (beta2 * v[j] + (1 - beta2) * g * g);
            double mHat = m[j] / c1;
            double vHat = v[j] / c2;
            params[j] = (float) (params[j] - lr * mHat / (Math.sqrt(vHat) + epsilon));
        }
    }

    public long steps() {
        return steps;
    }

    public State state() {
        return new State(m, v, steps);
    }

    public void restore(State state) {
        this.m = state.firstMoment();
        this.v = state.secondMoment();
        this.steps = state.steps();
    }
}
