package io.csflow.core.solver;

import io.csflow.core.nn.VectorSupport;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The per-record loops of the low-rank theta stage that the JIT does not vectorise by itself, written with
 * the Vector API: the five dot products of {@link Kernels#pairDots} (a reduction, which C2 keeps scalar for
 * floats) and the fused gradient-and-Adam sweeps (too large a loop body for C2's vectoriser; fused they
 * also skip the gradient arrays' memory traffic). Loaded only when {@link VectorSupport#enabled()}.
 *
 * <p>The sweeps compute exactly the expressions of {@link Kernels#pairGradients} and
 * {@link FactorAdam}'s loop, in the same order of operations, so both paths give the same bits.
 */
final class VectorKernels {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();

    private VectorKernels() {
    }

    static int lanes() {
        return LANES;
    }

    /** As {@link Kernels#pairDots}. */
    static void pairDots(float[] a, float[] c0, float[] c1, int from, int n, float[] out, int at) {
        FloatVector p0 = FloatVector.zero(SPECIES);
        FloatVector p1 = p0;
        FloatVector g00 = p0;
        FloatVector g01 = p0;
        FloatVector g11 = p0;
        int end = from + n;
        int upper = from + SPECIES.loopBound(n);
        int j = from;
        for (; j < upper; j += LANES) {
            FloatVector h = FloatVector.fromArray(SPECIES, a, j);
            FloatVector x = FloatVector.fromArray(SPECIES, c0, j);
            FloatVector y = FloatVector.fromArray(SPECIES, c1, j);
            p0 = h.fma(x, p0);
            p1 = h.fma(y, p1);
            g00 = x.fma(x, g00);
            g01 = x.fma(y, g01);
            g11 = y.fma(y, g11);
        }
        // the tail (fewer than LANES elements) in plain Java, then the lanes' sums on top
        Kernels.scalarPairDots(a, c0, c1, j, end - j, out, at);
        out[at] += p0.reduceLanes(VectorOperators.ADD);
        out[at + 1] += p1.reduceLanes(VectorOperators.ADD);
        out[at + 2] += g00.reduceLanes(VectorOperators.ADD);
        out[at + 3] += g01.reduceLanes(VectorOperators.ADD);
        out[at + 4] += g11.reduceLanes(VectorOperators.ADD);
    }

    /**
     * {@link Kernels#pairGradients} followed by an Adam step on both vectors of the pair, in one sweep: the
     * gradients never leave registers. Adam's constants as in {@link FactorAdam}.
     */
    static void pairStep(float[] a, float[] x0, float[] x1, float[] m0, float[] v0, float[] m1, float[] v1,
                         int from, int to, float s0, float s1, float c, float g00, float g01, float g11,
                         float b1, float b2, float size, float root, float eps) {
        float a1 = 1 - b1;
        float a2 = 1 - b2;
        int upper = from + SPECIES.loopBound(to - from);
        int j = from;
        for (; j < upper; j += LANES) {
            FloatVector aj = FloatVector.fromArray(SPECIES, a, j);
            FloatVector p = FloatVector.fromArray(SPECIES, x0, j);
            FloatVector q = FloatVector.fromArray(SPECIES, x1, j);
            FloatVector gr0 = aj.mul(s0).add(p.mul(g00).add(q.mul(g01)).mul(c));
            FloatVector gr1 = aj.mul(s1).add(p.mul(g01).add(q.mul(g11)).mul(c));
            adam(p, gr0, m0, v0, x0, j, b1, a1, b2, a2, size, root, eps);
            adam(q, gr1, m1, v1, x1, j, b1, a1, b2, a2, size, root, eps);
        }
        for (; j < to; j++) {
            float aj = a[j];
            float p = x0[j];
            float q = x1[j];
            float gr0 = s0 * aj + c * (g00 * p + g01 * q);
            float gr1 = s1 * aj + c * (g01 * p + g11 * q);
            x0[j] = FactorAdam.stepped(p, gr0, m0, v0, j, b1, a1, b2, a2, size, root, eps);
            x1[j] = FactorAdam.stepped(q, gr1, m1, v1, j, b1, a1, b2, a2, size, root, eps);
        }
    }

    /** {@link Kernels#biasGradient} followed by an Adam step on db, in one sweep. */
    static void biasStep(float[] d, float[] db, float[] m, float[] v, int from, int to, float cb,
                         float b1, float b2, float size, float root, float eps) {
        float a1 = 1 - b1;
        float a2 = 1 - b2;
        int upper = from + SPECIES.loopBound(to - from);
        int j = from;
        for (; j < upper; j += LANES) {
            FloatVector x = FloatVector.fromArray(SPECIES, db, j);
            FloatVector g = FloatVector.fromArray(SPECIES, d, j).add(x.mul(cb));
            adam(x, g, m, v, db, j, b1, a1, b2, a2, size, root, eps);
        }
        for (; j < to; j++) {
            float x = db[j];
            db[j] = FactorAdam.stepped(x, d[j] + cb * x, m, v, j, b1, a1, b2, a2, size, root, eps);
        }
    }

    /** Adam on lanes [j, j + LANES): moments updated in place, x - step written to params. */
    private static void adam(FloatVector x, FloatVector g, float[] m1, float[] m2, float[] params, int j,
                             float b1, float a1, float b2, float a2, float size, float root, float eps) {
        FloatVector m = FloatVector.fromArray(SPECIES, m1, j).mul(b1).add(g.mul(a1));
        FloatVector v = FloatVector.fromArray(SPECIES, m2, j).mul(b2).add(g.mul(a2).mul(g));
        m.intoArray(m1, j);
        v.intoArray(m2, j);
        x.sub(m.mul(size).div(v.sqrt().mul(root).add(eps))).intoArray(params, j);
    }
}
