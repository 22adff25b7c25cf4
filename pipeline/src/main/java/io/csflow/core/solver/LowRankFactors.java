package io.csflow.core.solver;

import io.csflow.core.nn.DenseStack;

import java.util.Arrays;
import java.util.Random;

/**
 * The per-record parameters of the LOWRANK theta scope, for a batch of records: for record i and each
 * adapted decoder layer l (those from {@link #firstAdapted()} on), factors U_il (in x r) and V_il (r x out),
 * r = {@link #RANK}, and a bias change db_il (1 x out), so that record i's layer l has weights
 * W_l + U_il V_il and bias b_l + db_il. Layers below the first adapted one keep theta0.
 *
 * <p>Layout: per layer, five components, each one float[] over all records, record i at i * width:
 * U's two columns ({@link #U0}, {@link #U1}, width in), V's two rows ({@link #V0}, {@link #V1}, width out)
 * and db ({@link #DB}, width out); the gradients in five more arrays of the same shapes. The layout is what
 * makes the theta stage fast: every loop over a record's factors then reads and writes all its arrays at
 * one index, the only form the JIT vectorises (with different offsets into one array it must assume
 * overlap; measured 5x slower), and float halves the memory traffic of a stage that is bound by it.
 *
 * <p>Penalty: lt * sum_l (mean((U V)^2) + mean(db^2)), the CS-BGM Gaussian penalty on theta - theta0, with
 * ||U V||_F^2 = trace((U^T U)(V V^T)) from two r x r Gram matrices, so U V is never formed. Its gradient is
 * added by {@link LowRankPass#backward(LowRankFactors, double, FactorAdam)}, which touches the same entries.
 */
final class LowRankFactors {

    /** The rank of each per-record weight change. */
    static final int RANK = 2;
    /** Component indices: U's columns, V's rows, the bias change. */
    static final int U0 = 0;
    static final int U1 = 1;
    static final int V0 = 2;
    static final int V1 = 3;
    static final int DB = 4;
    static final int COMPONENTS = 5;

    private final int records;
    private final int first;
    private final int[] in;
    private final int[] out;
    /** [l * COMPONENTS + component]: records x width values. */
    private final float[][] values;
    private final float[][] gradients;
    /** U's starting value per layer (r columns of in values), the same for every record. */
    private final float[][] initialU;

    /**
     * @param shape        the decoder (its layer sizes)
     * @param firstAdapted the first layer with factors (0: all layers)
     * @param seed         draws U's starting value: U ~ N(0, 1/in) entries, the same for every record so
     *                     that a record's result does not depend on its batch-mates (drawn for every layer,
     *                     so a layer's start does not depend on firstAdapted)
     */
    LowRankFactors(DenseStack shape, int records, int firstAdapted, long seed) {
        if (records <= 0) {
            throw new IllegalArgumentException("records must be positive, got " + records);
        }
        int layers = shape.layers();
        if (firstAdapted < 0 || firstAdapted >= layers) {
            throw new IllegalArgumentException("the first adapted layer must be in [0, " + layers + "), got "
                    + firstAdapted);
        }
        this.records = records;
        this.first = firstAdapted;
        in = new int[layers];
        out = new int[layers];
        values = new float[layers * COMPONENTS][];
        gradients = new float[layers * COMPONENTS][];
        initialU = new float[layers][];
        Random random = new Random(seed);
        for (int l = 0; l < layers; l++) {
            in[l] = (int) shape.weight(l).rows();
            out[l] = shape.width(l);
            for (int c = 0; c < COMPONENTS && l >= first; c++) {
                long size = (long) records * width(l, c);
                if (size > Integer.MAX_VALUE - 8) {
                    throw new IllegalArgumentException(records + " records need " + size
                            + " low-rank parameters per layer, more than one Java array holds: split the batch");
                }
                values[slot(l, c)] = new float[(int) size];
                gradients[slot(l, c)] = new float[(int) size];
            }
            // Variance 1/in makes h U (the r projections of a layer input h) about as large as h's typical
            // entry, like a Xavier-scaled layer: V's Adam steps are then steps in pre-activation units
            // whatever the layer width. U must not start at 0 (nor V, then, at random): with U = 0 neither
            // factor gets a gradient; with V = 0 the weights start exactly at theta0.
            initialU[l] = new float[RANK * in[l]];
            double scale = 1.0 / Math.sqrt(in[l]);
            for (int j = 0; j < initialU[l].length; j++) {
                initialU[l][j] = (float) (scale * random.nextGaussian());
            }
        }
        reset();
    }

    /** Every record back to theta0: U at its starting value, V = 0, db = 0. */
    void reset() {
        for (int l = first; l < in.length; l++) {
            int n = in[l];
            for (int k = 0; k < RANK; k++) {
                float[] u = values(l, U0 + k);
                for (int i = 0; i < records; i++) {
                    System.arraycopy(initialU[l], k * n, u, i * n, n);
                }
            }
            Arrays.fill(values(l, V0), 0f);
            Arrays.fill(values(l, V1), 0f);
            Arrays.fill(values(l, DB), 0f);
        }
    }

    int records() {
        return records;
    }

    int layers() {
        return in.length;
    }

    /** The first layer with factors; the layers below it keep theta0. */
    int firstAdapted() {
        return first;
    }

    int in(int l) {
        return in[l];
    }

    int out(int l) {
        return out[l];
    }

    /** Values per record of a component: in for U's columns, out for V's rows and db. */
    int width(int l, int component) {
        return component <= U1 ? in[l] : out[l];
    }

    /** Index of (layer, component) in {@link #slots()}-sized tables such as the optimizer's moments. */
    static int slot(int l, int component) {
        return l * COMPONENTS + component;
    }

    int slots() {
        return values.length;
    }

    /** All records' values of one component of layer l, record i at i * width(l, component); null below firstAdapted. */
    float[] values(int l, int component) {
        return values[slot(l, component)];
    }

    /** The gradients of the same entries, written by the backward pass. */
    float[] gradients(int l, int component) {
        return gradients[slot(l, component)];
    }

    /** Record i's penalty lt * sum_l (mean((U V)^2) + mean(db^2)). */
    double penalty(int i, double lt) {
        double p = 0;
        for (int l = first; l < in.length; l++) {
            int n = in[l];
            int o = out[l];
            double[] gu = gram(values(l, U0), values(l, U1), i * n, n);
            double[] gv = gram(values(l, V0), values(l, V1), i * o, o);
            double uv = gu[0] * gv[0] + 2 * gu[1] * gv[1] + gu[2] * gv[2];
            double bb = gram(values(l, DB), values(l, DB), i * o, o)[0];
            p += uv / ((double) n * o) + bb / o;
        }
        return lt * p;
    }

    /** The symmetric 2 x 2 Gram matrix [00, 01, 11] of a[from, from + n) and b[from, from + n), in double. */
    private static double[] gram(float[] a, float[] b, int from, int n) {
        double aa = 0;
        double ab = 0;
        double bb = 0;
        for (int j = from; j < from + n; j++) {
            aa += (double) a[j] * a[j];
            ab += (double) a[j] * b[j];
            bb += (double) b[j] * b[j];
        }
        return new double[]{aa, ab, bb};
    }
}
