package io.csflow.core.solver;

import io.csflow.core.nn.DenseStack;

import java.util.Arrays;
import java.util.Random;

/**
 * The per-record parameters of the LOWRANK theta scope, for a batch of records: for record i and decoder
 * layer l, factors U_il (in x r) and V_il (r x out), r = {@link #RANK}, and a bias change db_il (1 x out),
 * so that record i's layer l has weights W_l + U_il V_il and bias b_l + db_il. All values live in one
 * double[] (and the gradients in a second one of the same layout) so one Adam loop updates them all.
 *
 * <p>Layout per layer: U of every record (record-major, each U stored as its r columns, in values each),
 * then V (each as its r rows, out values each), then db.
 *
 * <p>Penalty: lt * sum_l (mean((U V)^2) + mean(db^2)), the CS-BGM Gaussian penalty on theta - theta0, with
 * ||U V||_F^2 = trace((U^T U)(V V^T)) from two r x r Gram matrices, so U V is never formed. Its gradient is
 * added by {@link LowRankPass#backward(LowRankFactors, double, FactorAdam)}, which touches the same entries.
 */
final class LowRankFactors {

    /** The rank of each per-record weight change. */
    static final int RANK = 2;

    private final int records;
    private final int[] in;
    private final int[] out;
    private final int[] uStart;
    private final int[] vStart;
    private final int[] bStart;
    private final double[] values;
    private final double[] gradients;
    /** U's starting value per layer (r columns of in values), the same for every record. */
    private final double[][] initialU;

    /**
     * @param shape the decoder (its layer sizes)
     * @param seed  draws U's starting value: U ~ N(0, 1/in) entries, the same for every record so that a
     *              record's result does not depend on its batch-mates
     */
    LowRankFactors(DenseStack shape, int records, long seed) {
        if (records <= 0) {
            throw new IllegalArgumentException("records must be positive, got " + records);
        }
        this.records = records;
        int layers = shape.layers();
        in = new int[layers];
        out = new int[layers];
        uStart = new int[layers];
        vStart = new int[layers];
        bStart = new int[layers];
        initialU = new double[layers][];
        long size = 0;
        Random random = new Random(seed);
        for (int l = 0; l < layers; l++) {
            in[l] = (int) shape.weight(l).rows();
            out[l] = shape.width(l);
            uStart[l] = (int) size;
            size += (long) records * RANK * in[l];
            vStart[l] = (int) size;
            size += (long) records * RANK * out[l];
            bStart[l] = (int) size;
            size += (long) records * out[l];
            // Variance 1/in makes h U (the r projections of a layer input h) about as large as h's typical
            // entry, like a Xavier-scaled layer: V's Adam steps are then steps in pre-activation units
            // whatever the layer width. U must not start at 0 (nor V, then, at random): with U = 0 neither
            // factor gets a gradient; with V = 0 the weights start exactly at theta0.
            initialU[l] = new double[RANK * in[l]];
            double scale = 1.0 / Math.sqrt(in[l]);
            for (int j = 0; j < initialU[l].length; j++) {
                initialU[l][j] = scale * random.nextGaussian();
            }
        }
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(records + " records need " + size
                    + " low-rank parameters, more than one Java array holds: split the batch");
        }
        values = new double[(int) size];
        gradients = new double[(int) size];
        reset();
    }

    /** Every record back to theta0: U at its starting value, V = 0, db = 0. */
    void reset() {
        Arrays.fill(values, 0.0);
        for (int l = 0; l < in.length; l++) {
            for (int i = 0; i < records; i++) {
                System.arraycopy(initialU[l], 0, values, u(l, i), initialU[l].length);
            }
        }
    }

    int records() {
        return records;
    }

    int layers() {
        return in.length;
    }

    int in(int l) {
        return in[l];
    }

    int out(int l) {
        return out[l];
    }

    double[] values() {
        return values;
    }

    double[] gradients() {
        return gradients;
    }

    /** Start of U_il: column k at u + k * in(l). */
    int u(int l, int i) {
        return uStart[l] + i * RANK * in[l];
    }

    /** Start of V_il: row k at v + k * out(l). */
    int v(int l, int i) {
        return vStart[l] + i * RANK * out[l];
    }

    /** Start of db_il. */
    int db(int l, int i) {
        return bStart[l] + i * out[l];
    }

    /** Record i's penalty lt * sum_l (mean((U V)^2) + mean(db^2)). */
    double penalty(int i, double lt) {
        double p = 0;
        for (int l = 0; l < in.length; l++) {
            double[] gu = gram(u(l, i), in[l]);
            double[] gv = gram(v(l, i), out[l]);
            double uv = gu[0] * gv[0] + 2 * gu[1] * gv[1] + gu[2] * gv[2];
            double bb = Kernels.dot(values, db(l, i), values, db(l, i), out[l]);
            p += uv / ((double) in[l] * out[l]) + bb / out[l];
        }
        return lt * p;
    }

    /** The symmetric 2 x 2 Gram matrix [00, 01, 11] of two consecutive length-n vectors starting at start. */
    private double[] gram(int start, int n) {
        return new double[]{Kernels.dot(values, start, values, start, n),
                Kernels.dot(values, start, values, start + n, n),
                Kernels.dot(values, start + n, values, start + n, n)};
    }
}
