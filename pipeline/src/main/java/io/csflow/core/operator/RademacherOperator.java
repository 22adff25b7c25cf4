package io.csflow.core.operator;

/**
 * iid +-1 entries: one SplitMix64 stream seeded with the spec's seed; entry (i, j) is +1 when the top
 * bit of draw number i*n + j of {@link SplitMix64#nextLong()} is 0, else -1 (one draw per entry,
 * row-major). The top bit is the best bit of SplitMix64 and is trivial to extract in C.
 */
final class RademacherOperator extends DenseOperator {

    RademacherOperator(OperatorSpec spec) {
        super(spec, entries(spec));
    }

    static float[] entries(OperatorSpec spec) {
        SplitMix64 rng = new SplitMix64(spec.seed());
        float[] e = new float[Math.multiplyExact(spec.m(), spec.n())];
        for (int i = 0; i < e.length; i++) {
            e[i] = rng.nextLong() < 0 ? -1f : 1f;   // negative as signed = top bit set
        }
        return e;
    }
}
