package io.csflow.core.operator;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An operator stored as its m x n float matrix: forward and adjoint are one GEMM each, which is what
 * ND4J does fastest. Base of the random dense kinds; immutable and thread-safe.
 */
abstract class DenseOperator implements MeasurementOperator {

    private final OperatorSpec spec;
    private final INDArray a;

    /** @param entries the m*n entries of A in row-major order */
    DenseOperator(OperatorSpec spec, float[] entries) {
        this.spec = spec;
        this.a = Nd4j.create(entries, new long[]{spec.m(), spec.n()}, 'c');
    }

    @Override
    public OperatorSpec spec() {
        return spec;
    }

    /** out = x A^T. */
    @Override
    public void forward(INDArray x, INDArray out) {
        Batches.checkShapes(spec, x, spec.n(), out, spec.m(), "forward");
        gemmInto(x, true, out);
    }

    /** out = r A. */
    @Override
    public void adjoint(INDArray r, INDArray out) {
        Batches.checkShapes(spec, r, spec.m(), out, spec.n(), "adjoint");
        gemmInto(r, false, out);
    }

    /**
     * Straight into out when it is a block of whole rows of a row-major matrix (the solver's operator groups),
     * which BLAS writes like any matrix; any other view (e.g. a column slice) goes through a temporary.
     */
    private void gemmInto(INDArray in, boolean transposeA, INDArray out) {
        if (out.isView() && !wholeRows(out)) {
            out.assign(Nd4j.gemm(in, a, false, transposeA));
        } else {
            Nd4j.gemm(in, a, out, false, transposeA, 1.0, 0.0);
        }
    }

    private static boolean wholeRows(INDArray out) {
        return out.ordering() == 'c' && out.rank() == 2 && out.stride(1) == 1 && out.stride(0) == out.columns();
    }

    /** A copy of the stored matrix. */
    INDArray matrix() {
        return a.dup();
    }
}
