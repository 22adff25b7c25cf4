package io.csflow.core.learn;

import java.io.Serial;
import java.io.Serializable;

/**
 * Anti-correlated perturbed gradient descent (Orvieto et al., "Anti-Correlated Noise Injection for Improved
 * Generalization", ICML 2022): after the base optimiser's step, theta += xi_{t+1} - xi_t with
 * xi_t ~ N(0, s^2 I) iid. The noise increments are anti-correlated, so the noise does not accumulate
 * (unlike PGD's theta += xi_{t+1}); to second order it adds (s^2 / 2) Tr(Hessian) to the loss, which
 * steers towards flat minima.
 *
 * <p>Gradients passed to {@link #step} must be taken at theta (which holds xi_t). The weights to publish
 * are {@link #published} = theta - xi_t, never containing the current noise. Setting s = 0 turns the noise
 * off: the next step draws xi_{t+1} = 0 and so subtracts the last xi_t once. The noise is a pure function
 * of (seed, step) ({@link GaussianNoise}), so {@link State} is four numbers whatever P is; xi_t is
 * regenerated after a restore.
 */
public final class AntiPgd implements Optimizer {

    /** Snapshot: seed, steps taken t, the scale s for the next draw and the scale xi_t was drawn with. */
    public record State(long seed, long steps, double noiseScale, double lastNoiseScale) implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
    }

    private final Optimizer base;
    private long seed;
    private long steps;
    private double noiseScale;
    private double lastNoiseScale;
    /** xi_t, or null when it is zero or not regenerated yet (see {@link #currentNoise}). */
    private float[] xi;

    /**
     * @param base the optimiser whose step is perturbed (its own state is snapshotted separately)
     * @param noiseScale s >= 0, the noise standard deviation per coordinate
     * @param seed the noise seed
     */
    public AntiPgd(Optimizer base, double noiseScale, long seed) {
        if (base == null) {
            throw new IllegalArgumentException("Invalid base optimizer: null");
        }
        this.base = base;
        this.noiseScale = checkScale(noiseScale);
        this.seed = seed;
    }

    @Override
    public void step(float[] params, float[] grads) {
        base.step(params, grads);
        float[] current = currentNoise(params.length);
        long next = steps + 1;
        float[] fresh = null;
        if (noiseScale > 0) {
            fresh = new float[params.length];
            GaussianNoise.fill(seed, next, noiseScale, fresh);
        }
        for (int j = 0; j < params.length; j++) {
            float p = current == null ? params[j] : params[j] - current[j];
            params[j] = fresh == null ? p : p + fresh[j];
        }
        steps = next;
        lastNoiseScale = noiseScale;
        xi = fresh;
    }

    /** Writes the published weights theta - xi_t into out (same length as params). */
    public void published(float[] params, float[] out) {
        if (out.length != params.length) {
            throw new IllegalArgumentException("output has " + out.length + " entries, expected " + params.length);
        }
        float[] current = currentNoise(params.length);
        for (int j = 0; j < params.length; j++) {
            out[j] = current == null ? params[j] : params[j] - current[j];
        }
    }

    /** The published weights theta - xi_t, in a new array. */
    public float[] published(float[] params) {
        float[] out = new float[params.length];
        published(params, out);
        return out;
    }

    /** Sets s for the following steps; 0 turns the noise off (the next step removes the last xi). */
    public void setNoiseScale(double noiseScale) {
        this.noiseScale = checkScale(noiseScale);
    }

    public double noiseScale() {
        return noiseScale;
    }

    public long steps() {
        return steps;
    }

    public State state() {
        return new State(seed, steps, noiseScale, lastNoiseScale);
    }

    /** Restores a snapshot; the base optimiser is restored by its owner. */
    public void restore(State state) {
        this.seed = state.seed();
        this.steps = state.steps();
        this.noiseScale = checkScale(state.noiseScale());
        this.lastNoiseScale = checkScale(state.lastNoiseScale());
        this.xi = null;
    }

    /** xi_t for P parameters, or null when it is zero. */
    private float[] currentNoise(int p) {
        if (steps == 0 || !(lastNoiseScale > 0)) {
            return null;
        }
        if (xi == null || xi.length != p) {
            xi = new float[p];
            GaussianNoise.fill(seed, steps, lastNoiseScale, xi);
        }
        return xi;
    }

    private static double checkScale(double s) {
        if (!(s >= 0) || !Double.isFinite(s)) {
            throw new IllegalArgumentException("Invalid noise scale (must be finite and >= 0): " + s);
        }
        return s;
    }
}
