package io.csflow.core.solver;

import io.csflow.core.prior.GenerativePrior;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.List;

/**
 * What every generative-prior solver shares: checking that records fit the prior, grouping them by
 * operator, and putting the answers back in the caller's order.
 */
abstract class PriorReconstructor implements Reconstructor {

    protected final GenerativePrior prior;

    PriorReconstructor(GenerativePrior prior) {
        if (prior == null) {
            throw new IllegalArgumentException("a generative prior is required");
        }
        this.prior = prior;
    }

    @Override
    public final List<Estimate> reconstruct(List<Observation> batch) {
        if (batch.isEmpty()) {
            return List.of();
        }
        for (int i = 0; i < batch.size(); i++) {
            int n = batch.get(i).operator().n();
            if (n != prior.outputDim()) {
                throw new IllegalArgumentException("record " + i + " has n=" + n + " but the prior (version "
                        + prior.version() + ") produces images of n=" + prior.outputDim() + " pixels");
            }
        }
        OperatorGroups groups = OperatorGroups.of(batch);
        Estimate[] sorted = solve(groups);
        Estimate[] out = new Estimate[batch.size()];
        for (int i = 0; i < sorted.length; i++) {
            out[groups.originalIndex(i)] = sorted[i];
        }
        return Arrays.asList(out);
    }

    /** Solves the batch in its grouped order; returns one estimate per sorted position. */
    abstract Estimate[] solve(OperatorGroups groups);

    /** The VAE's encoder when the prior has one (for {@link WarmStart.Kind#ENCODER}), else null. */
    static io.csflow.core.nn.DenseStack encoder(GenerativePrior prior) {
        return prior instanceof io.csflow.core.prior.VaePrior vae ? vae.encoder() : null;
    }

    /**
     * The rows of a 2-D array as Java arrays, with one bulk copy: a row view per record costs tens of
     * microseconds of ND4J set-up, ~5 ms for the three matrices of a batch of 64 (measured).
     */
    static float[][] rows(INDArray matrix) {
        int rows = (int) matrix.rows();
        int cols = (int) matrix.columns();
        boolean whole = matrix.dataType() == DataType.FLOAT && matrix.ordering() == 'c' && !matrix.isView()
                && matrix.offset() == 0 && matrix.data().length() == matrix.length();
        float[] flat = (whole ? matrix : matrix.castTo(DataType.FLOAT).dup('c')).data().asFloat();
        float[][] out = new float[rows][];
        for (int r = 0; r < rows; r++) {
            out[r] = Arrays.copyOfRange(flat, r * cols, (r + 1) * cols);
        }
        return out;
    }

    /** Noise variance behind a record's uncertainty: the stated one, or its residual when none is stated. */
    static double noiseVariance(Observation o, double dataLoss) {
        double s = o.noiseStd();
        return s > 0 ? s * s : Math.max(dataLoss, 1e-6);
    }
}
