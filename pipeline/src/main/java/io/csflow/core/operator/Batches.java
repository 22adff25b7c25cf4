package io.csflow.core.operator;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Whole-array copies between INDArray batches and Java float arrays. Per-element INDArray access costs
 * ~40 ns, so gathers and scatters copy the batch out once, index plain arrays, and copy back once.
 */
public final class Batches {

    private Batches() {
    }

    /** The elements of {@code a} in row-major order, as one bulk copy (plus a dup when a is a view). */
    public static float[] toFloats(INDArray a) {
        INDArray c = a.isView() || a.ordering() != 'c' || a.data().length() != a.length() ? a.dup('c') : a;
        return c.data().asFloat();
    }

    /** Overwrites {@code out} (any layout, views included) with row-major {@code data} of shape rows x cols. */
    public static void assign(INDArray out, float[] data, long rows, long cols) {
        out.assign(Nd4j.create(data, new long[]{rows, cols}, 'c'));
    }

    /**
     * Row by row, out[r][i] = factor * in[r][index[i]]: the kept pixels or coefficients of a batch.
     *
     * @param in row-major B x width
     * @return row-major B x index.length
     */
    static float[] gather(float[] in, int rows, int width, int[] index, float factor) {
        int k = index.length;
        float[] out = new float[rows * k];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < k; i++) {
                out[r * k + i] = factor * in[r * width + index[i]];
            }
        }
        return out;
    }

    /** The adjoint of {@link #gather}: out[r][index[i]] = factor * in[r][i], zeros elsewhere (B x width). */
    static float[] scatter(float[] in, int rows, int width, int[] index, float factor) {
        int k = index.length;
        float[] out = new float[rows * width];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < k; i++) {
                out[r * width + index[i]] = factor * in[r * k + i];
            }
        }
        return out;
    }

    /** Throws unless x is B x n and out is B x m, naming the operator and both shapes. */
    static void checkShapes(OperatorSpec spec, INDArray in, long inCols, INDArray out, long outCols, String op) {
        if (in.rank() != 2 || in.columns() != inCols || out.rank() != 2 || out.columns() != outCols
                || out.rows() != in.rows()) {
            throw new IllegalArgumentException(op + " of " + spec + " needs a B x " + inCols + " input and a B x "
                    + outCols + " output, got " + java.util.Arrays.toString(in.shape()) + " and "
                    + java.util.Arrays.toString(out.shape()) + "; pass row-major batches, one record per row");
        }
    }
}
