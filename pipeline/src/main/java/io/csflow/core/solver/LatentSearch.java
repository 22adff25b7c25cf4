package io.csflow.core.solver;

import io.csflow.core.nn.Adam;
import io.csflow.core.nn.DenseStack;
import io.csflow.core.nn.StackPass;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/**
 * The z stage: Adam on every row of Z at once. Rows are independent problems (each row's loss
 * depends on its own z only), so one batched pass serves all records and restarts.
 */
final class LatentSearch {

    private LatentSearch() {
    }

    /**
     * Optimises {@code z} (rows x k) in place.
     *
     * @return per row, the final loss (1/m) ||y - A g(z)||^2 + lz ||z||^2; the pass holds g(z)
     */
    static double[] run(DenseStack decoder, StackPass pass, MeasurementTerm term, INDArray z,
                        LatentSettings settings) {
        double lz = settings.latentPenalty();
        INDArray grad = z.ulike();
        Adam adam = Adam.withDefaults(List.of(z), settings.learningRate());
        List<INDArray> grads = List.of(grad);
        for (int it = 0; it < settings.iterations(); it++) {
            INDArray x = pass.forward(decoder, z);
            term.gradient(x, pass.outputGradient(), 1.0);
            INDArray dz = pass.backward(decoder, z, null);
            grad.assign(z).muli(2 * lz).addi(dz);
            adam.step(grads);
        }
        return finalLoss(decoder, pass, term, z, lz);
    }

    static double[] finalLoss(DenseStack decoder, StackPass pass, MeasurementTerm term, INDArray z, double lz) {
        INDArray x = pass.forward(decoder, z);
        double[] loss = term.dataLoss(x);
        INDArray zsq = z.mul(z).sum(1);
        for (int row = 0; row < loss.length; row++) {
            loss[row] += lz * zsq.getDouble(row);
        }
        return loss;
    }
}
