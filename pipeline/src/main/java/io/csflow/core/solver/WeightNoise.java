package io.csflow.core.solver;

import io.csflow.core.nn.DenseStack;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.GaussianDistribution;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One posterior sample's weight noise for the LOWRANK scope: standard normal E_l (in x out) and e_l
 * (1 x out) shared by every record, with a per-record scale, so row i sees W_l + s_il E_l and
 * b_l + t_il e_l. One draw serves the whole batch: the uncertainty needs each record's marginal
 * distribution only, not independence between records.
 */
final class WeightNoise {

    private final INDArray[] weights;
    private final INDArray[] biases;
    private final HostCopy[] biasCopies;
    private final float[][] biasValues;
    private final double[][] weightScale;
    private final double[][] biasScale;

    /**
     * @param shape       the decoder (shapes and data type)
     * @param weightScale [layer][record] standard deviation of the weight noise
     * @param biasScale   [layer][record] standard deviation of the bias noise
     */
    WeightNoise(DenseStack shape, double[][] weightScale, double[][] biasScale) {
        int layers = shape.layers();
        weights = new INDArray[layers];
        biases = new INDArray[layers];
        biasCopies = new HostCopy[layers];
        biasValues = new float[layers][];
        for (int l = 0; l < layers; l++) {
            weights[l] = shape.weight(l).ulike();
            biases[l] = shape.bias(l).ulike();
            biasCopies[l] = new HostCopy(biases[l]);
            biasValues[l] = new float[(int) biases[l].length()];
        }
        this.weightScale = weightScale;
        this.biasScale = biasScale;
    }

    /** Draws new standard normal E and e from ND4J's generator. */
    void draw() {
        for (int l = 0; l < weights.length; l++) {
            Nd4j.exec(new GaussianDistribution(weights[l], 0.0, 1.0));
            Nd4j.exec(new GaussianDistribution(biases[l], 0.0, 1.0));
            biasCopies[l].read(biasValues[l]);
        }
    }

    INDArray weight(int l) {
        return weights[l];
    }

    float[] bias(int l) {
        return biasValues[l];
    }

    double weightScale(int l, int record) {
        return weightScale[l][record];
    }

    double biasScale(int l, int record) {
        return biasScale[l][record];
    }
}
