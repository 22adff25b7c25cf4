package io.csflow.stream;

import io.csflow.avro.Reconstruction;

import java.util.List;

/**
 * What the metrics report about one solved batch: its size, the solver's wall time, and per-record means of the
 * iterations spent, the relative residual ||y - A x_hat|| / ||y|| and the per-pixel uncertainty (0 for point
 * estimates), plus the model version that solved it. Plain Java, so the Flink function only forwards it.
 */
public record BatchSummary(int size, long solverMillis, double meanIterations, double meanResidual,
                           double meanUncertainty, long modelVersion) {

    public static final BatchSummary EMPTY = new BatchSummary(0, 0, 0, 0, 0, -1);

    /** Summarises the results of one batch; modelVersion is the service's, which also covers an empty batch. */
    public static BatchSummary of(List<Reconstruction> results, long solverMillis, long modelVersion) {
        if (results.isEmpty()) {
            return new BatchSummary(0, solverMillis, 0, 0, 0, modelVersion);
        }
        double iterations = 0;
        double residual = 0;
        double uncertainty = 0;
        for (Reconstruction r : results) {
            iterations += r.getIterations();
            residual += r.getRelativeResidual();
            uncertainty += meanOf(r.getUncertainty());
        }
        int n = results.size();
        return new BatchSummary(n, solverMillis, iterations / n, residual / n, uncertainty / n, modelVersion);
    }

    private static double meanOf(List<Float> values) {
        if (values == null || values.isEmpty()) {
            return 0;
        }
        double sum = 0;
        for (Float v : values) {
            sum += v;
        }
        return sum / values.size();
    }
}
