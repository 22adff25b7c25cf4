package io.csflow.core.solver;

import io.csflow.core.nn.Activation;
import io.csflow.core.nn.DenseStack;
import io.csflow.core.nn.FloatView;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Forward and backward passes of the decoder for a batch in which row i has its own low-rank weight change:
 * every adapted layer l (from {@link LowRankFactors#firstAdapted()} on) computes
 * act(h_i (W_l + U_il V_il) + b_l + db_il) for every row i (see {@link LowRankFactors}); the layers below
 * keep theta0.
 *
 * <p>The shared W_l stays one GEMM over the whole batch; the per-row terms are small (h_i U_il is r dot
 * products, (h_i U_il) V_il a rank-r update) and run as plain Java loops ({@link Kernels}) over float host
 * copies of the rows. The per-row term is written into the pre-activation buffer first and the GEMM
 * accumulates onto it (beta = 1), so each layer costs one host copy in and one out.
 *
 * <p>The input z is fixed for a whole fit, so everything that depends on it alone is computed once, in
 * {@link #setInput}: the layers below the first adapted one and the first adapted layer's product
 * h W + b. With the VAE decoder (first adapted layer 1) an iteration then runs one forward GEMM (the last
 * layer's) and one backward GEMM instead of three each. Backward, per row:
 * dH = dPre W^T + (dPre V^T) U^T, dV = (h U)^T dPre, dU = h^T (dPre V^T), ddb = dPre; it stops at the
 * first adapted layer, whose input gradient nothing needs.
 *
 * <p>The factors are large (~5900 values a record with the VAE) and the per-row work is light, so the
 * theta stage is bound by memory traffic: each pass touches the factors as few times as it can. The
 * forward takes U's Gram matrix in the same sweep as h U, the backward V's in the sweep of dPre V^T, and
 * the backward adds the penalty's gradient (see {@link LowRankFactors#penalty}) and, when given an
 * optimizer, applies its step to each record's factors of a layer right after their gradient, while they
 * are still in cache (a record's factors of a layer are a few KB).
 *
 * <p>Optionally the forward adds weight noise to every layer, adapted or not (for posterior samples):
 * row i uses W_l + s_il E_l and b_l + t_il e_l with E_l, e_l shared by all rows ({@link WeightNoise}).
 * Such a forward runs the whole decoder; the values cached by {@link #setInput} stay valid.
 *
 * <p>Every buffer is allocated once; nothing is allocated per call. Not thread-safe.
 */
final class LowRankPass {

    /** Per record and layer from the forward: h U_0, h U_1 and U's Gram matrix [00, 01, 11]. */
    private static final int DOTS = 5;

    private final DenseStack net;
    private final int batch;
    private final int layers;
    private final int first;
    private final int[] in;
    private final int[] out;
    private final INDArray input;
    private final HostCopy inputCopy;
    private final INDArray[] pre;
    private final INDArray[] post;
    private final INDArray[] dPost;
    private final INDArray[] dPre;
    private final INDArray[] noisy;
    // views made once, as in StackPass: the activations then run as Java loops over them, and softplus
    // keeps its derivative from the forward (derivView, else null) instead of two ND4J ops in the backward
    private final FloatView[] preView;
    private final FloatView[] postView;
    private final FloatView[] dPostView;
    private final FloatView[] dPreView;
    private final FloatView[] derivView;
    private final HostCopy[] preCopy;
    private final HostCopy[] postCopy;
    private final HostCopy[] dPreCopy;
    private final HostCopy[] dPostCopy;
    private final HostCopy[] noisyCopy;
    /** h[l]: the input rows of layer l from the last forward (batch x in_l). */
    private final float[][] h;
    /** proj[l]: h_i U_il and U_il's Gram matrix from the last forward (batch x {@link #DOTS}). */
    private final float[][] proj;
    private final float[][] bias;
    /** h W + b of the first adapted layer for the input of {@link #setInput} (batch x its out). */
    private final float[] firstProduct;
    /** The first adapted layer's input in a forward with weight noise (h of that layer stays the clean one). */
    private final float[] noisyInput;
    private final float[] rows;
    private final float[] rowsIn;
    private final float[] noiseRows;
    /** dPre_i V_i^T and V_i's Gram matrix, for the row being back-propagated. */
    private final float[] vDots = new float[DOTS];

    /**
     * @param net          the shared weights theta0 (not modified)
     * @param firstAdapted the first layer with factors, as in the {@link LowRankFactors} passed to the passes
     */
    LowRankPass(DenseStack net, int batch, int firstAdapted) {
        if (batch <= 0) {
            throw new IllegalArgumentException("batch size must be positive, got " + batch);
        }
        this.net = net;
        this.batch = batch;
        layers = net.layers();
        if (firstAdapted < 0 || firstAdapted >= layers) {
            throw new IllegalArgumentException("the first adapted layer must be in [0, " + layers + "), got "
                    + firstAdapted);
        }
        first = firstAdapted;
        DataType type = net.weight(0).dataType();
        in = new int[layers];
        out = new int[layers];
        pre = new INDArray[layers];
        post = new INDArray[layers];
        dPost = new INDArray[layers];
        dPre = new INDArray[layers];
        noisy = new INDArray[layers];
        preCopy = new HostCopy[layers];
        postCopy = new HostCopy[layers];
        dPreCopy = new HostCopy[layers];
        dPostCopy = new HostCopy[layers];
        noisyCopy = new HostCopy[layers];
        preView = new FloatView[layers];
        postView = new FloatView[layers];
        dPostView = new FloatView[layers];
        dPreView = new FloatView[layers];
        derivView = new FloatView[layers];
        h = new float[layers][];
        proj = new float[layers][];
        bias = new float[layers][];
        int maxIn = 0;
        int maxOut = 0;
        for (int l = 0; l < layers; l++) {
            in[l] = (int) net.weight(l).rows();
            out[l] = net.width(l);
            maxIn = Math.max(maxIn, in[l]);
            maxOut = Math.max(maxOut, out[l]);
            boolean identity = net.activation(l) == Activation.IDENTITY;
            pre[l] = Nd4j.create(type, batch, out[l]);
            post[l] = identity ? pre[l] : Nd4j.create(type, batch, out[l]);
            dPost[l] = Nd4j.create(type, batch, out[l]);
            dPre[l] = identity ? dPost[l] : Nd4j.create(type, batch, out[l]);
            noisy[l] = Nd4j.create(type, batch, out[l]);
            preView[l] = FloatView.of(pre[l]);
            postView[l] = identity ? preView[l] : FloatView.of(post[l]);
            dPostView[l] = FloatView.of(dPost[l]);
            dPreView[l] = identity ? dPostView[l] : FloatView.of(dPre[l]);
            derivView[l] = net.activation(l).derivativeInForward()
                    ? FloatView.of(Nd4j.create(type, batch, out[l])) : null;
            preCopy[l] = new HostCopy(pre[l]);
            postCopy[l] = new HostCopy(post[l]);
            dPreCopy[l] = new HostCopy(dPre[l]);
            dPostCopy[l] = new HostCopy(dPost[l]);
            noisyCopy[l] = new HostCopy(noisy[l]);
            h[l] = new float[batch * in[l]];
            proj[l] = new float[batch * DOTS];
            bias[l] = net.bias(l).castTo(DataType.FLOAT).toFloatVector();
        }
        input = Nd4j.create(type, batch, in[0]);
        inputCopy = new HostCopy(input);
        firstProduct = new float[batch * out[first]];
        noisyInput = new float[batch * in[first]];
        rows = new float[batch * maxOut];
        rowsIn = new float[batch * maxIn];
        noiseRows = new float[batch * maxOut];
    }

    int batch() {
        return batch;
    }

    /**
     * Fixes the input rows (the latents z, batch x in) for the following passes, and computes what depends
     * on them alone: the layers below the first adapted one and its product h W + b.
     */
    void setInput(INDArray z) {
        input.assign(z);
        INDArray below = input;
        for (int l = 0; l < first; l++) {
            Nd4j.gemm(below, net.weight(l), pre[l], false, false, 1.0, 0.0);
            pre[l].addiRowVector(net.bias(l));
            net.activation(l).forward(preView[l], postView[l], derivView[l]);
            below = post[l];
        }
        (first == 0 ? inputCopy : postCopy[first - 1]).read(h[first]);
        Nd4j.gemm(below, net.weight(first), pre[first], false, false, 1.0, 0.0);
        preCopy[first].read(firstProduct);
        int o = out[first];
        for (int i = 0; i < batch; i++) {
            for (int j = 0; j < o; j++) {
                firstProduct[i * o + j] += bias[first][j];
            }
        }
    }

    /** Runs the decoder with the factors' weight changes; returns the output buffer (batch x out), valid until the next call. */
    INDArray forward(LowRankFactors f) {
        return forward(f, null);
    }

    /** As {@link #forward(LowRankFactors)}, with weight noise added when {@code noise} is not null. */
    INDArray forward(LowRankFactors f, WeightNoise noise) {
        for (int l = noise == null ? first : 0; l < layers; l++) {
            INDArray below = l == 0 ? input : post[l - 1];
            // without noise the first adapted layer's input and product are setInput's
            boolean fixed = noise == null && l == first;
            int n = in[l];
            int o = out[l];
            float[] hl = h[l];
            if (l == first && !fixed) {
                hl = noisyInput;
                (l == 0 ? inputCopy : postCopy[l - 1]).read(hl);
            } else if (l > first) {
                postCopy[l - 1].read(hl);
            }
            if (fixed) {
                System.arraycopy(firstProduct, 0, rows, 0, batch * o);
            } else {
                for (int i = 0; i < batch; i++) {
                    System.arraycopy(bias[l], 0, rows, i * o, o);
                }
            }
            if (l >= first) {
                float[] pl = proj[l];
                float[] u0 = f.values(l, LowRankFactors.U0);
                float[] u1 = f.values(l, LowRankFactors.U1);
                float[] v0 = f.values(l, LowRankFactors.V0);
                float[] v1 = f.values(l, LowRankFactors.V1);
                float[] db = f.values(l, LowRankFactors.DB);
                for (int i = 0; i < batch; i++) {
                    int ri = i * o;
                    Kernels.pairDots(hl, u0, u1, i * n, n, pl, DOTS * i);
                    Kernels.addLowRank(rows, db, v0, v1, ri, ri + o, pl[DOTS * i], pl[DOTS * i + 1]);
                }
            }
            if (noise != null) {
                Nd4j.gemm(below, noise.weight(l), noisy[l], false, false, 1.0, 0.0);
                noisyCopy[l].read(noiseRows);
                float[] e = noise.bias(l);
                for (int i = 0; i < batch; i++) {
                    int ri = i * o;
                    Kernels.addScaled(rows, noiseRows, ri, ri + o, (float) noise.weightScale(l, i));
                    float sb = (float) noise.biasScale(l, i);
                    for (int j = 0; j < o; j++) {
                        rows[ri + j] += sb * e[j];
                    }
                }
            }
            preCopy[l].write(rows);
            if (!fixed) {
                Nd4j.gemm(below, net.weight(l), pre[l], false, false, 1.0, 1.0);
            }
            net.activation(l).forward(preView[l], postView[l], derivView[l]);
        }
        return post[layers - 1];
    }

    /** Buffer the caller fills with dLoss/dOutput before {@link #backward}. */
    INDArray outputGradient() {
        return dPost[layers - 1];
    }

    /** The output of the last forward, copied into dst (batch x out, row-major). */
    void readOutput(float[] dst) {
        postCopy[layers - 1].read(dst);
    }

    /**
     * Back-propagates {@link #outputGradient()} through the last (noise-free) forward and overwrites the
     * factors' gradients with dLoss/d(U, V, db). It stops at the first adapted layer.
     */
    void backward(LowRankFactors f) {
        backward(f, 0.0, null);
    }

    /**
     * As {@link #backward(LowRankFactors)}, with the gradient of the penalty lt * sum_l mean((U V)^2) +
     * mean(db^2) added ({@link LowRankFactors#penalty}: d/dU = 2c U (V V^T), d/dV = 2c (U^T U) V with
     * c = lt / (in out), d/ddb = 2 lt db / out). With an optimizer, each record's gradients of a layer
     * update its factors at once instead (the optimizer's step begun by the caller; on the Vector API without
     * going through the gradient arrays, which are then stale); nothing reads a factor after its update.
     */
    void backward(LowRankFactors f, double lt, FactorAdam adam) {
        for (int l = layers - 1; l >= first; l--) {
            net.activation(l).backward(preView[l], postView[l], derivView[l], dPostView[l], dPreView[l]);
            dPreCopy[l].read(rows);
            int n = in[l];
            int o = out[l];
            float c = (float) (2 * lt / ((double) n * o));
            float cb = (float) (2 * lt / o);
            float[] hl = h[l];
            float[] pl = proj[l];
            float[] u0 = f.values(l, LowRankFactors.U0);
            float[] u1 = f.values(l, LowRankFactors.U1);
            float[] v0 = f.values(l, LowRankFactors.V0);
            float[] v1 = f.values(l, LowRankFactors.V1);
            float[] db = f.values(l, LowRankFactors.DB);
            float[] gu0 = f.gradients(l, LowRankFactors.U0);
            float[] gu1 = f.gradients(l, LowRankFactors.U1);
            float[] gv0 = f.gradients(l, LowRankFactors.V0);
            float[] gv1 = f.gradients(l, LowRankFactors.V1);
            float[] gdb = f.gradients(l, LowRankFactors.DB);
            for (int i = 0; i < batch; i++) {
                int hi = i * n;
                int ri = i * o;
                int pi = DOTS * i;
                Kernels.pairDots(rows, v0, v1, ri, o, vDots, 0);
                // V's and db's gradients use U's Gram from the forward, U's use V's Gram from the sweep above
                // (both before this step), and the input gradient U as it was in the forward
                if (l > first) {
                    Kernels.combine(u0, u1, rowsIn, hi, hi + n, vDots[0], vDots[1]);
                }
                if (adam == null) {
                    Kernels.pairGradients(rows, v0, v1, gv0, gv1, ri, ri + o, pl[pi], pl[pi + 1], c,
                            pl[pi + 2], pl[pi + 3], pl[pi + 4]);
                    Kernels.biasGradient(rows, db, gdb, ri, ri + o, cb);
                    Kernels.pairGradients(hl, u0, u1, gu0, gu1, hi, hi + n, vDots[0], vDots[1], c,
                            vDots[2], vDots[3], vDots[4]);
                } else {
                    adam.pairStep(f, l, LowRankFactors.V0, rows, ri, ri + o, pl[pi], pl[pi + 1], c,
                            pl[pi + 2], pl[pi + 3], pl[pi + 4]);
                    adam.biasStep(f, l, rows, ri, ri + o, cb);
                    adam.pairStep(f, l, LowRankFactors.U0, hl, hi, hi + n, vDots[0], vDots[1], c,
                            vDots[2], vDots[3], vDots[4]);
                }
            }
            if (l > first) {
                dPostCopy[l - 1].write(rowsIn);
                Nd4j.gemm(dPre[l], net.weight(l), dPost[l - 1], false, true, 1.0, 1.0);
            }
        }
    }
}
