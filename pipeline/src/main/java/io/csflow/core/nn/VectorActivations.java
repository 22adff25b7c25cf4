package io.csflow.core.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Softplus and sigmoid on the Vector API, with exp and log1p written here from lane-wise add, mul, div,
 * compares and exponent bit arithmetic only (Cephes' single-precision exp polynomial, an atanh series for
 * log1p). Not the API's own EXP and LOG1P: those run the JDK's SIMD math library once compiled but a Java
 * fallback before, an ulp apart, so a solver's first calls in a JVM would not repeat bit for bit. These give
 * the same bits interpreted and compiled, within a few ulp of the exact values (HostKernelsTest). Loaded only when {@link VectorSupport#enabled()}; works on Java
 * arrays (the callers stage ND4J memory through {@link FloatView#heap()}).
 *
 * <p>Both activations need exp only of non-positive arguments: softplus(a) = max(a, 0) + log1p(e) and
 * sigmoid(a) = 1 / (1 + e) for a >= 0, e / (1 + e) below, with e = exp(-|a|) in (0, 1], which never overflows.
 */
final class VectorActivations {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();

    /** exp underflows below this (2^-126, the smallest normal float, is e^-87.3). */
    private static final float EXP_MIN = -87f;
    private static final float LOG2E = 1.44269504088896341f;
    /** ln 2 split in two so that n * LN2_HI is exact for the n that occur. */
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** Adding and subtracting 1.5 * 2^23 rounds a float of magnitude below 2^22 to the nearest integer. */
    private static final float ROUND = 12582912f;
    /** 127 + 2^23: added to an integral k in [-127, 128], the float's low mantissa bits are k + 127. */
    private static final float EXPONENT_BIAS = 127f + 8388608f;

    private VectorActivations() {
    }

    /**
     * out := softplus(a) = log(1 + e^a) and, unless deriv is null, deriv := sigmoid(a), its derivative. Three
     * passes (e = exp(-|a|) into out, then the derivative, then the softplus over e in place): one loop with
     * all of it exceeds what the JIT inlines into one method, and Vector API values passed between calls that
     * are not inlined become heap objects (measured: 165 us per 64 x 500 as one loop). out may be a (then a
     * scratch array holds e: only the convenience forward of {@link Activation} does that).
     */
    static void softplus(float[] a, float[] out, float[] deriv, int n) {
        float[] e = out != a ? out : new float[n];
        expPass(a, e, n);
        if (deriv != null) {
            derivativePass(a, e, deriv, n);
        }
        softplusPass(a, e, out, n);
    }

    /** e := exp(-|a|). Each pass is its own method so that the JIT compiles each with its own inlining budget. */
    private static void expPass(float[] a, float[] e, int n) {
        int upper = SPECIES.loopBound(n);
        int j = 0;
        for (; j < upper; j += LANES) {
            expNonPositive(FloatVector.fromArray(SPECIES, a, j).abs().neg()).intoArray(e, j);
        }
        for (; j < n; j++) {
            e[j] = expNonPositive(-Math.abs(a[j]));
        }
    }

    /** deriv := sigmoid(a) from e = exp(-|a|). */
    private static void derivativePass(float[] a, float[] e, float[] deriv, int n) {
        int upper = SPECIES.loopBound(n);
        int j = 0;
        for (; j < upper; j += LANES) {
            sigmoidFromExp(FloatVector.fromArray(SPECIES, a, j), FloatVector.fromArray(SPECIES, e, j))
                    .intoArray(deriv, j);
        }
        for (; j < n; j++) {
            deriv[j] = sigmoidFromExp(a[j], e[j]);
        }
    }

    /** out := max(a, 0) + log1p(e), e = exp(-|a|) (out may be e or a: each index is read before written). */
    private static void softplusPass(float[] a, float[] e, float[] out, int n) {
        int upper = SPECIES.loopBound(n);
        int j = 0;
        for (; j < upper; j += LANES) {
            FloatVector x = FloatVector.fromArray(SPECIES, a, j);
            x.max(0f).add(log1pUnit(FloatVector.fromArray(SPECIES, e, j))).intoArray(out, j);
        }
        for (; j < n; j++) {
            out[j] = Math.max(a[j], 0f) + log1pUnit(e[j]);
        }
    }

    /** out := sigmoid(a) = 1 / (1 + e^-a). */
    static void sigmoid(float[] a, float[] out, int n) {
        int upper = SPECIES.loopBound(n);
        int j = 0;
        for (; j < upper; j += LANES) {
            FloatVector x = FloatVector.fromArray(SPECIES, a, j);
            sigmoidFromExp(x, expNonPositive(x.abs().neg())).intoArray(out, j);
        }
        for (; j < n; j++) {
            out[j] = sigmoidFromExp(a[j], expNonPositive(-Math.abs(a[j])));
        }
    }

    /** sigmoid(x) from e = exp(-|x|): 1 / (1 + e) where x >= 0, e / (1 + e) elsewhere (no overflow either way). */
    private static FloatVector sigmoidFromExp(FloatVector x, FloatVector e) {
        FloatVector onePlus = e.add(1f);
        FloatVector negative = e.div(onePlus);
        FloatVector positive = FloatVector.broadcast(SPECIES, 1f).div(onePlus);
        return negative.blend(positive, x.compare(VectorOperators.GE, 0f));
    }

    /** As the vector form, one value. */
    private static float sigmoidFromExp(float x, float e) {
        return x >= 0 ? 1f / (1f + e) : e / (1f + e);
    }

    /** exp(x) for x <= 0 (flushed to e^-87 below that: ~1.6e-38, where a float has no more precision anyway). */
    private static FloatVector expNonPositive(FloatVector x) {
        x = x.max(EXP_MIN);
        // x = k ln2 + r, |r| <= ln2 / 2
        FloatVector k = x.mul(LOG2E).add(ROUND).sub(ROUND);
        FloatVector r = x.sub(k.mul(LN2_HI)).sub(k.mul(LN2_LO));
        FloatVector p = r.mul(1.9875691500E-4f).add(1.3981999507E-3f)
                .mul(r).add(8.3334519073E-3f)
                .mul(r).add(4.1665795894E-2f)
                .mul(r).add(1.6666665459E-1f)
                .mul(r).add(5.0000001201E-1f);
        FloatVector er = p.mul(r.mul(r)).add(r).add(1f);
        // 2^k from its exponent bits; k is in [-126, 0], so the result is a normal float. k + 127 + 2^23 holds
        // k + 127 in its low mantissa bits, shifted into the exponent field (the API's float-to-int convert is
        // not compiled to SIMD in Java 17: 60x slower, measured)
        IntVector bits = k.add(EXPONENT_BIAS).reinterpretAsInts().lanewise(VectorOperators.LSHL, 23);
        return er.mul(bits.reinterpretAsFloats());
    }

    /** As the vector form, one value (the loop tails): the same operations in the same order, so the same bits. */
    private static float expNonPositive(float x) {
        x = Math.max(x, EXP_MIN);
        float k = x * LOG2E + ROUND - ROUND;
        float r = x - k * LN2_HI - k * LN2_LO;
        float p = ((((1.9875691500E-4f * r + 1.3981999507E-3f) * r + 8.3334519073E-3f) * r + 4.1665795894E-2f) * r
                + 1.6666665459E-1f) * r + 5.0000001201E-1f;
        float er = p * (r * r) + r + 1f;
        return er * Float.intBitsToFloat(Float.floatToRawIntBits(k + EXPONENT_BIAS) << 23);
    }

    /**
     * log(1 + u) for u in [0, 1] as 2 atanh(s), s = u / (2 + u) in [0, 1/3]: 2s (1 + s^2/3 + s^4/5 + ... +
     * s^14/15), the series cut where its terms fall below float precision. No exponent extraction, no range
     * split and exact for tiny u (2s = u), in a dozen lane operations (Cephes' logf with the split and the
     * rounding correction of 1 + u took three times as long).
     */
    private static FloatVector log1pUnit(FloatVector u) {
        FloatVector s = u.div(u.add(2f));
        FloatVector z = s.mul(s);
        FloatVector p = z.mul(1f / 15).add(1f / 13)
                .mul(z).add(1f / 11)
                .mul(z).add(1f / 9)
                .mul(z).add(1f / 7)
                .mul(z).add(1f / 5)
                .mul(z).add(1f / 3)
                .mul(z).add(1f);
        return s.add(s).mul(p);
    }

    /** As the vector form, one value. */
    private static float log1pUnit(float u) {
        float s = u / (u + 2f);
        float z = s * s;
        float p = ((((((z * (1f / 15) + 1f / 13) * z + 1f / 11) * z + 1f / 9) * z + 1f / 7) * z + 1f / 5) * z
                + 1f / 3) * z + 1f;
        return (s + s) * p;
    }
}
