package io.csflow.core.solver;

import io.csflow.core.nn.DenseStack;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The CS-BGM theta stage in the LOWRANK scope: every record of a batch gets its own theta
 * = theta0 + (U_il V_il, db_il) per layer from the second on ({@link #firstAdaptedLayer}; rank
 * {@link LowRankFactors#RANK}), all records solved together
 * by Adam on the factors of, per record, its own (1/m_i) ||y_i - A_i g(z_i; theta_i)||^2 plus the CS-BGM
 * penalty lt * sum_l mean((theta_il - theta0_l)^2). Records do not interact: Adam is elementwise and each
 * record's loss depends on its own factors only, so a record's result does not depend on its batch-mates.
 *
 * <p>Model uncertainty, as in {@link ThetaStage} with B = 1 (each record its own theta): theta_i ~
 * N(theta_hat_i, diag(s_il^2)), s_il^2 = N_l sigma_i^2 / (m_i lt), N_l the entries of tensor l, for every
 * tensor (the first layer's too: its fit stays at theta0, its uncertainty does not vanish). Each posterior
 * sample draws one E per tensor for the whole batch, scaled per record.
 */
final class LowRankThetaStage {

    private final DenseStack theta0;
    private final ThetaSettings settings;
    private final LowRankPass pass;
    private final LowRankFactors factors;
    private final FactorAdam adam;

    /**
     * @param theta0     the trained decoder (shared, not modified)
     * @param records    the batch size this stage serves
     * @param factorSeed draws the factors' starting U (the same for every record and call)
     */
    LowRankThetaStage(DenseStack theta0, ThetaSettings settings, int records, long factorSeed) {
        this.theta0 = theta0;
        this.settings = settings;
        int first = firstAdaptedLayer(theta0);
        this.pass = new LowRankPass(theta0, records, first);
        this.factors = new LowRankFactors(theta0, records, first, factorSeed);
        this.adam = new FactorAdam(factors, settings.factorLearningRate(), settings.beta1(),
                0.999, 1e-8);
    }

    /**
     * The first layer that gets per-record factors: the second, when there is one. The first layer's
     * change did not matter (256 test images, m = 50..400: the same MSE to four digits with and without
     * it, README "Evaluation"), and without it the layers up to the second's product depend on z alone and
     * are computed once per fit instead of per iteration ({@link LowRankPass}).
     */
    static int firstAdaptedLayer(DenseStack decoder) {
        return firstAdaptedLayer(decoder.layers());
    }

    /** As {@link #firstAdaptedLayer(DenseStack)}, for a decoder of this many layers. */
    static int firstAdaptedLayer(int layers) {
        return Math.min(1, layers - 1);
    }

    /**
     * Fits every record's factors, starting from theta0, with the latents {@code z} (records x k) fixed.
     *
     * @param term the data term of the same records, one row each
     * @return the images g(z_i; theta_hat_i) (records x n): the pass's buffer, valid until the next call
     */
    INDArray fit(MeasurementTerm term, INDArray z) {
        pass.setInput(z);
        factors.reset();
        adam.reset();
        double lt = settings.weightPenalty();
        for (int it = 0; it < settings.iterations(); it++) {
            INDArray x = pass.forward(factors);
            term.gradient(x, pass.outputGradient(), 1.0);
            adam.nextStep();
            pass.backward(factors, lt, adam);
        }
        return pass.forward(factors);
    }

    /** Record i's penalty lt * sum_l mean((theta_il - theta0_l)^2) at the fitted factors. */
    double penalty(int record) {
        return factors.penalty(record, settings.weightPenalty());
    }

    /**
     * Per-pixel standard deviation (records x n, row-major) of g(z_i; theta_i) over S posterior samples
     * around the fitted factors, or null when sampling is off. Call after {@link #fit}.
     *
     * @param sigma2OverM per record, sigma_i^2 / m_i
     */
    double[] uncertainty(double[] sigma2OverM) {
        int samples = settings.uncertaintySamples();
        if (samples == 0) {
            return null;
        }
        int records = pass.batch();
        int layers = theta0.layers();
        double lt = settings.weightPenalty();
        double[][] weightScale = new double[layers][records];
        double[][] biasScale = new double[layers][records];
        for (int l = 0; l < layers; l++) {
            double weights = theta0.weight(l).length();
            double biases = theta0.bias(l).length();
            for (int i = 0; i < records; i++) {
                weightScale[l][i] = Math.sqrt(weights * sigma2OverM[i] / lt);
                biasScale[l][i] = Math.sqrt(biases * sigma2OverM[i] / lt);
            }
        }
        WeightNoise noise = new WeightNoise(theta0, weightScale, biasScale);
        int n = records * theta0.outputSize();
        float[] x = new float[n];
        double[] sum = new double[n];
        double[] sumSq = new double[n];
        for (int s = 0; s < samples; s++) {
            noise.draw();
            pass.forward(factors, noise);
            pass.readOutput(x);
            for (int j = 0; j < n; j++) {
                // square in double: saturated pixels (~1e-25) square to 0 in float, and their spread with them
                double v = x[j];
                sum[j] += v;
                sumSq[j] += v * v;
            }
        }
        for (int j = 0; j < n; j++) {
            double mean = sum[j] / samples;
            sum[j] = Math.sqrt(Math.max(sumSq[j] / samples - mean * mean, 0.0));
        }
        return sum;
    }
}
