package io.csflow.core.operator;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Builds operators from specs; see docs/operators.md for the exact construction of each kind. */
public final class MeasurementOperators {

    private MeasurementOperators() {
    }

    /**
     * The operator a spec names. Prefer {@link OperatorCache#get} on hot paths: dense kinds cost m*n
     * random draws to build.
     *
     * @throws IllegalArgumentException if the spec is null or does not fit its kind (e.g. SUBSAMPLED_DCT
     *                                  with a non-square n)
     */
    public static MeasurementOperator create(OperatorSpec spec) {
        if (spec == null) {
            throw new IllegalArgumentException("operator spec is missing: pass an OperatorSpec(kind, seed, m, n)");
        }
        return switch (spec.kind()) {
            case GAUSSIAN -> new GaussianOperator(spec);
            case RADEMACHER -> new RademacherOperator(spec);
            case SUBSAMPLED_DCT -> new SubsampledDctOperator(spec);
            case INPAINT -> new InpaintOperator(spec);
        };
    }

    /**
     * The row selection of a structured kind: the kept pixels of INPAINT or the kept coefficients
     * k = u*sqrt(n) + v of SUBSAMPLED_DCT, in row order. Dense kinds have none.
     */
    public static int[] selection(OperatorSpec spec) {
        return switch (spec.kind()) {
            case INPAINT -> InpaintOperator.pixels(spec);
            case SUBSAMPLED_DCT -> SubsampledDctOperator.rows(spec);
            default -> throw new IllegalArgumentException(spec.kind() + " has no row selection: only INPAINT"
                    + " and SUBSAMPLED_DCT select rows; use dense(op) for the entries of " + spec);
        };
    }

    /**
     * The m x n matrix of any operator, found by applying forward to the n unit vectors. Costs an n x n
     * batch: meant for tests and small n.
     */
    public static float[][] dense(MeasurementOperator op) {
        int n = op.n();
        int m = op.m();
        INDArray columns = Nd4j.create(org.nd4j.linalg.api.buffer.DataType.FLOAT, n, m); // row j = A e_j
        op.forward(Nd4j.eye(n).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT), columns);
        float[] t = Batches.toFloats(columns);
        float[][] a = new float[m][n];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < m; i++) {
                a[i][j] = t[j * m + i];
            }
        }
        return a;
    }
}
