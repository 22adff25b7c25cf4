package io.csflow.core.solver;

import io.csflow.core.nn.DenseStack;
import io.csflow.core.nn.StackPass;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs the z stage from R random starts per record and keeps, per record, the start with the lowest
 * loss. Shared by CSGM (where it is the whole method) and CS-BGM (its first stage).
 *
 * @param z    best latent per record (N x k), in the grouped order
 * @param loss its loss per record
 */
record BestLatents(INDArray z, double[] loss) {

    static BestLatents search(DenseStack decoder, OperatorGroups groups, LatentSettings settings, long callSeed) {
        int records = groups.size();
        int restarts = settings.restarts();
        int rows = records * restarts;
        MeasurementTerm term = new MeasurementTerm(groups, restarts);
        Nd4j.getRandom().setSeed(callSeed);
        INDArray z = Nd4j.randn(DataType.FLOAT, rows, decoder.inputSize());
        StackPass pass = new StackPass(decoder, rows);
        double[] loss = LatentSearch.run(decoder, pass, term, z, settings);
        int[] best = new int[records];
        double[] bestLoss = new double[records];
        for (int i = 0; i < records; i++) {
            best[i] = i * restarts;
            for (int r = 1; r < restarts; r++) {
                if (loss[i * restarts + r] < loss[best[i]]) {
                    best[i] = i * restarts + r;
                }
            }
            bestLoss[i] = loss[best[i]];
        }
        return new BestLatents(Nd4j.pullRows(z, 1, best), bestLoss);
    }
}
