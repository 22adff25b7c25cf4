package io.csflow.core.solver;

import io.csflow.core.nn.DenseStack;

/**
 * Analytic FLOP counts of the solvers, matrix products only, shared by {@code csflow bench} and
 * {@code csflow tradeoff}. With layer widths s_0 .. s_L of the decoder (20, 500, 500, 784 for the VAE),
 * n = s_L pixels and m measurements:
 * <ul>
 *   <li>D = sum_l 2 s_l s_{l+1}: one decoder forward for one row (1.30 MFLOP for the VAE);</li>
 *   <li>z iteration, per row: 2D + 4mn (forward D; backward to z without weight gradients D; A x 2mn;
 *       A^T r 2mn);</li>
 *   <li>theta iteration, per row: 3D + 4mn (adds the weight-gradient products D);</li>
 *   <li>LOWRANK theta iteration, per row: 2D_a + 4mn + 10r(in + out) per adapted layer, D_a the products of
 *       the layers above the first adapted one (that layer's product and everything below it depend on z
 *       alone and run once per fit, D - D_a): 2*500*784 of the VAE's 1.30 MFLOP;</li>
 *   <li>early-stop check, per active row: 2mn (the loss of the forward already computed);</li>
 *   <li>end of the z stage, per row: D + 2mn (final loss); per record then D + 4mn (image and residual);</li>
 *   <li>bank warm start, per record: 2Kmn / b (A g(z_k) for the K candidates, charged to the b records of
 *       the call that share the operator, though the bank caches it across calls) + 2Km (scores);
 *       decoding the bank, K D once per model version, is not charged;</li>
 *   <li>encoder warm start, per record: 2mn (A^T y) + E, E the encoder's forward product count.</li>
 * </ul>
 * Not counted: element-wise work (activations, bias adds, residuals, Adam updates, penalties) and the
 * bias-gradient products, a few percent at these sizes.
 */
public final class SolverFlops {

    private final int[] sizes;
    private final long encoderForward;

    /** @param encoder the VAE encoder, or null when the prior has none (the encoder start is then not costed) */
    public SolverFlops(DenseStack decoder, DenseStack encoder) {
        this(widths(decoder), encoder == null ? 0 : forward(widths(encoder)));
    }

    /** From the decoder's widths s_0 .. s_L and the encoder's forward FLOPs. */
    public SolverFlops(int[] sizes, long encoderForward) {
        if (sizes.length < 2) {
            throw new IllegalArgumentException("a decoder needs at least an input and an output width, got "
                    + sizes.length + " widths");
        }
        this.sizes = sizes.clone();
        this.encoderForward = encoderForward;
    }

    private static int[] widths(DenseStack stack) {
        int[] s = new int[stack.layers() + 1];
        s[0] = stack.inputSize();
        for (int l = 0; l < stack.layers(); l++) {
            s[l + 1] = stack.width(l);
        }
        return s;
    }

    private static long forward(int[] s) {
        long f = 0;
        for (int l = 0; l + 1 < s.length; l++) {
            f += 2L * s[l] * s[l + 1];
        }
        return f;
    }

    public int pixels() {
        return sizes[sizes.length - 1];
    }

    /** D: one decoder forward for one row. */
    public long decoder() {
        return forward(sizes);
    }

    /** Per row and z iteration: 2D + 4mn. */
    public long zIteration(int m) {
        return 2 * decoder() + 4L * m * pixels();
    }

    /** Per row and theta iteration: 3D + 4mn. */
    public long thetaIteration(int m) {
        return 3 * decoder() + 4L * m * pixels();
    }

    /**
     * Per row and LOWRANK theta iteration: 2D_a + 4mn (the shared weights' products of the layers above the first
     * adapted one, forward and backward to their inputs) plus the per-row rank-r work, about 10r(in + out) per
     * adapted layer (h U, (h U) V, their two backward products and the two factor gradients).
     */
    public long lowRankThetaIteration(int m, int rank) {
        int first = LowRankThetaStage.firstAdaptedLayer(sizes.length - 1);
        long extra = 0;
        for (int l = first; l + 1 < sizes.length; l++) {
            extra += 10L * rank * (sizes[l] + sizes[l + 1]);
        }
        return 2 * productsFrom(first + 1) + 4L * m * pixels() + extra;
    }

    /** Per row and LOWRANK fit, once: the products that depend on z alone (D - D_a). */
    public long lowRankFitOnce() {
        return decoder() - productsFrom(LowRankThetaStage.firstAdaptedLayer(sizes.length - 1) + 1);
    }

    /** The forward products of layers from..L-1 for one row. */
    private long productsFrom(int from) {
        long f = 0;
        for (int l = from; l + 1 < sizes.length; l++) {
            f += 2L * sizes[l] * sizes[l + 1];
        }
        return f;
    }

    /**
     * The theta stage of one record: its iterations in the given scope plus the uncertainty samples (one forward
     * per sample; LOWRANK two, the shared noise and the record's factors, and its once-per-fit products).
     * BATCH shares the work of a batch but costs the same per row.
     */
    public double thetaStage(int m, ThetaScope scope, int iterations, int samples) {
        if (scope == ThetaScope.LOWRANK) {
            return (double) iterations * lowRankThetaIteration(m, LowRankFactors.RANK) + lowRankFitOnce()
                    + 2.0 * samples * decoder();
        }
        return (double) iterations * thetaIteration(m) + (double) samples * decoder();
    }

    /**
     * The z stage of one record: its row iterations (over all starts, as {@link Estimate#iterations} reports for
     * csgm), the early-stop checks, the end passes and the warm start.
     *
     * @param rowIterations  Adam steps summed over the record's R starts
     * @param restarts       R
     * @param window         early-stop check interval, or 0 when early stopping is off
     * @param batchPerOperator records of the call sharing the record's operator (b, for the bank's product)
     */
    public double zStage(int m, double rowIterations, int restarts, WarmStart warm, int window, int batchPerOperator) {
        long n = pixels();
        double f = rowIterations * zIteration(m);
        if (window > 0) {
            f += rowIterations / window * 2.0 * m * n;
        }
        f += restarts * (decoder() + 2.0 * m * n) + decoder() + 4.0 * m * n;
        return f + warmStart(m, warm, batchPerOperator);
    }

    /** FLOPs of the warm start for one record. */
    public double warmStart(int m, WarmStart warm, int batchPerOperator) {
        long n = pixels();
        return switch (warm.kind()) {
            case RANDOM -> 0;
            case BANK -> 2.0 * warm.candidates() * m * n / Math.max(1, batchPerOperator)
                    + 2.0 * warm.candidates() * m;
            case ENCODER -> 2.0 * m * n + encoderForward;
        };
    }

    /** The formula in words, for reports. */
    public String formula() {
        StringBuilder shape = new StringBuilder();
        for (int l = 0; l + 1 < sizes.length; l++) {
            shape.append(l == 0 ? "" : " + ").append(sizes[l]).append("*").append(sizes[l + 1]);
        }
        return "D = 2(" + shape + ") = " + decoder() + " FLOP (decoder forward, one row); "
                + "z iteration per row = 2D + 4mn (forward D, backward to z without weight gradients D, "
                + "A x 2mn, A^T r 2mn); theta iteration per row = 3D + 4mn (adds the weight-gradient products D), "
                + "LOWRANK 2D_a + 4mn + 10r(in+out) per adapted layer (rank r = 2; layers from the second; D_a = "
                + productsFrom(LowRankThetaStage.firstAdaptedLayer(sizes.length - 1) + 1)
                + " FLOP, the products above the first adapted layer, whose product and the layers below it run "
                + "once per fit, D - D_a); "
                + "early-stop check 2mn per active row; end of z stage D + 2mn per row, D + 4mn per record; "
                + "bank warm start 2Kmn/b + 2Km per record; uncertainty samples add D per sample per row. "
                + "Not counted: element-wise work (activations, bias adds, residual, Adam updates, penalties), "
                + "bias-gradient products, decoding the bank (K D once per model version).";
    }
}
