package io.csflow.core.operator;

/**
 * iid N(0,1) entries: one SplitMix64 stream seeded with the spec's seed, Gaussians drawn with
 * {@link SplitMix64#nextGaussian()} (Box-Muller, cos output first), rounded to float, filling A in
 * row-major order (entry (i, j) is draw number i*n + j).
 */
final class GaussianOperator extends DenseOperator {

    GaussianOperator(OperatorSpec spec) {
        super(spec, entries(spec));
    }

    static float[] entries(OperatorSpec spec) {
        SplitMix64 rng = new SplitMix64(spec.seed());
        float[] e = new float[Math.multiplyExact(spec.m(), spec.n())];
        for (int i = 0; i < e.length; i++) {
            e[i] = (float) rng.nextGaussian();
        }
        return e;
    }
}
