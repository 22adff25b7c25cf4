package io.csflow.core.solver;

import io.csflow.core.nn.DenseStack;
import io.csflow.core.nn.StackPass;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.indexing.conditions.Conditions;

/**
 * Runs the z stage from R starts per record ({@link WarmStart} says where they come from) and keeps, per
 * record, the start with the lowest loss. Shared by CSGM (where it is the whole method) and CS-BGM (its
 * first stage).
 *
 * @param z          best latent per record (N x k), in the grouped order
 * @param loss       its loss per record
 * @param iterations per record, Adam steps run over all its starts (fewer than R x I when stopped early)
 */
record BestLatents(INDArray z, double[] loss, int[] iterations) {

    /**
     * @param encoder the VAE encoder (784 -> 2k: mean | log-variance) for {@link WarmStart.Kind#ENCODER},
     *                else may be null
     */
    static BestLatents search(DenseStack decoder, DenseStack encoder, OperatorGroups groups, LatentSettings settings,
                              long callSeed) {
        int records = groups.size();
        int restarts = settings.restarts();
        INDArray z = starts(decoder, encoder, groups, settings, callSeed);
        LatentSearch.Outcome outcome = LatentSearch.run(decoder, groups, restarts, z, settings);
        double[] loss = outcome.loss();
        int[] best = new int[records];
        double[] bestLoss = new double[records];
        int[] iterations = new int[records];
        for (int i = 0; i < records; i++) {
            best[i] = i * restarts;
            for (int r = 0; r < restarts; r++) {
                iterations[i] += outcome.iterations()[i * restarts + r];
                if (loss[i * restarts + r] < loss[best[i]]) {
                    best[i] = i * restarts + r;
                }
            }
            bestLoss[i] = loss[best[i]];
        }
        return new BestLatents(Nd4j.pullRows(z, 1, best), bestLoss, iterations);
    }

    static BestLatents search(DenseStack decoder, OperatorGroups groups, LatentSettings settings, long callSeed) {
        return search(decoder, null, groups, settings, callSeed);
    }

    /** Record-major starting latents, R per record. */
    static INDArray starts(DenseStack decoder, DenseStack encoder, OperatorGroups groups, LatentSettings settings,
                           long callSeed) {
        int restarts = settings.restarts();
        WarmStart warm = settings.warmStart();
        if (warm.kind() == WarmStart.Kind.BANK) {
            return CandidateBank.of(decoder, warm.candidates()).starts(groups, restarts, settings.latentPenalty());
        }
        Nd4j.getRandom().setSeed(callSeed);
        INDArray z = Nd4j.randn(DataType.FLOAT, (long) groups.size() * restarts, decoder.inputSize());
        if (warm.kind() == WarmStart.Kind.ENCODER) {
            if (encoder == null) {
                throw new IllegalArgumentException("warm start 'encoder' needs a VAE prior with its encoder; "
                        + "use --warm-start bank or random with this prior");
            }
            INDArray means = encoderMeans(encoder, groups, decoder.inputSize());
            for (int i = 0; i < groups.size(); i++) {
                z.getRow((long) i * restarts).assign(means.getRow(i));
            }
        }
        return z;
    }

    /**
     * The encoder's mean of clip(A^T y / n, 0, 1) per record: the back-projection is the minimum-norm
     * solution for rows of squared norm n that are nearly orthogonal (A A^T ~ n I), clipped to the pixel range.
     */
    static INDArray encoderMeans(DenseStack encoder, OperatorGroups groups, int latent) {
        int n = encoder.inputSize();
        INDArray back = Nd4j.create(DataType.FLOAT, groups.size(), n);
        for (OperatorGroups.Group g : groups.groups()) {
            int m = g.operator().m();
            float[] y = new float[g.size() * m];
            for (int i = 0; i < g.size(); i++) {
                System.arraycopy(groups.sorted().get(g.from() + i).y(), 0, y, i * m, m);
            }
            INDArray block = Nd4j.create(DataType.FLOAT, g.size(), n);
            g.operator().adjoint(Nd4j.create(y, new long[]{g.size(), m}, 'c'), block);
            for (int i = 0; i < g.size(); i++) {
                back.getRow(g.from() + i).assign(block.getRow(i));
            }
        }
        back.divi(n);
        BooleanIndexing.replaceWhere(back, 0.0, Conditions.lessThan(0.0));
        BooleanIndexing.replaceWhere(back, 1.0, Conditions.greaterThan(1.0));
        INDArray out = new StackPass(encoder, groups.size()).forward(encoder, back);
        return out.get(NDArrayIndex.all(), NDArrayIndex.interval(0, latent)).dup();
    }
}
