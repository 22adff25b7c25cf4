package io.csflow.core.operator;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A linear measurement operator A (m x n) applied to a batch of row vectors.
 *
 * <p>Batches are row-major float matrices: B images as B x n, B measurement vectors as B x m.
 * Outputs are passed in and overwritten, so solvers can reuse their buffers across iterations.
 * Implementations are immutable and thread-safe once built.
 */
public interface MeasurementOperator {

    OperatorSpec spec();

    default int m() {
        return spec().m();
    }

    default int n() {
        return spec().n();
    }

    /** out (B x m) := x (B x n) A^T, i.e. each row y_b = A x_b. */
    void forward(INDArray x, INDArray out);

    /** out (B x n) := r (B x m) A, i.e. each row A^T r_b. */
    void adjoint(INDArray r, INDArray out);
}
