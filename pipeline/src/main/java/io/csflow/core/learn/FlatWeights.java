package io.csflow.core.learn;

import io.csflow.core.nn.DenseStack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.List;

/**
 * The layout of a {@link DenseStack}'s tensors (W0, b0, W1, b1, ...) in one flat float vector, row-major per
 * tensor, and the copies between the two: one bulk copy per tensor, never per element. The online trainer
 * keeps theta, gradients and optimiser state as flat vectors and goes through this class to and from ND4J.
 */
public final class FlatWeights {

    private final long[][] shapes;
    private final int[] offsets;
    private final int size;

    private FlatWeights(long[][] shapes) {
        this.shapes = shapes;
        this.offsets = new int[shapes.length + 1];
        long total = 0;
        for (int i = 0; i < shapes.length; i++) {
            offsets[i] = (int) total;
            total += shapes[i][0] * shapes[i][1];
            if (total > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("stack has more than 2^31-1 parameters");
            }
        }
        offsets[shapes.length] = (int) total;
        this.size = (int) total;
    }

    /** The layout of a stack's tensors. */
    public static FlatWeights layoutOf(DenseStack stack) {
        List<INDArray> ts = stack.tensors();
        long[][] shapes = new long[ts.size()][];
        for (int i = 0; i < shapes.length; i++) {
            shapes[i] = new long[]{ts.get(i).rows(), ts.get(i).columns()};
        }
        return new FlatWeights(shapes);
    }

    /** Total number of parameters P. */
    public int size() {
        return size;
    }

    /** Number of tensors (twice the number of layers). */
    public int tensors() {
        return shapes.length;
    }

    /** Offset of tensor i in the flat vector. */
    public int offset(int i) {
        return offsets[i];
    }

    /** Number of entries of tensor i. */
    public int length(int i) {
        return offsets[i + 1] - offsets[i];
    }

    /** Shape (rows, columns) of tensor i. */
    public long[] shape(int i) {
        return shapes[i].clone();
    }

    /** Name of tensor i, e.g. {@code 1.W} or {@code 2.b}. */
    public String name(int i) {
        return (i / 2) + (i % 2 == 0 ? ".W" : ".b");
    }

    /** The tensor and in-tensor index of flat index p, e.g. {@code 1.W[1234]}. */
    public String describe(int p) {
        int i = 0;
        while (i + 1 < shapes.length && offsets[i + 1] <= p) {
            i++;
        }
        return name(i) + "[" + (p - offsets[i]) + "]";
    }

    /** The stack's values as a new flat float vector. */
    public float[] flatten(DenseStack stack) {
        float[] out = new float[size];
        flatten(stack, out);
        return out;
    }

    /** Writes the stack's values into out (length P), cast to float. */
    public void flatten(DenseStack stack, float[] out) {
        check(stack, out.length);
        List<INDArray> ts = stack.tensors();
        for (int i = 0; i < ts.size(); i++) {
            INDArray t = ts.get(i);
            if (t.dataType() != DataType.FLOAT) {
                t = t.castTo(DataType.FLOAT);
            }
            if (t.isView() || t.ordering() != 'c') {
                t = t.dup('c');
            }
            float[] values = t.data().asFloat();
            System.arraycopy(values, 0, out, offsets[i], length(i));
        }
    }

    /** Overwrites the stack's tensors with the values of flat (length P), cast to each tensor's type. */
    public void assign(float[] flat, DenseStack stack) {
        check(stack, flat.length);
        List<INDArray> ts = stack.tensors();
        for (int i = 0; i < ts.size(); i++) {
            INDArray t = ts.get(i);
            INDArray src = Nd4j.create(Arrays.copyOfRange(flat, offsets[i], offsets[i + 1]), shapes[i], 'c');
            t.assign(t.dataType() == DataType.FLOAT ? src : src.castTo(t.dataType()));
        }
    }

    /** A new stack with template's activations and the values of flat. */
    public DenseStack build(float[] flat, DenseStack template) {
        DenseStack out = template.zerosLike();
        assign(flat, out);
        return out;
    }

    /** Index of the first non-finite value, or -1 when all are finite. */
    public static int firstNonFinite(float[] flat) {
        for (int p = 0; p < flat.length; p++) {
            if (!Float.isFinite(flat[p])) {
                return p;
            }
        }
        return -1;
    }

    private void check(DenseStack stack, int length) {
        if (length != size) {
            throw new IllegalArgumentException("flat vector has " + length + " entries, the layout " + size);
        }
        List<INDArray> ts = stack.tensors();
        if (ts.size() != shapes.length) {
            throw new IllegalArgumentException("stack has " + ts.size() + " tensors, the layout " + shapes.length);
        }
        for (int i = 0; i < shapes.length; i++) {
            if (ts.get(i).rows() != shapes[i][0] || ts.get(i).columns() != shapes[i][1]) {
                throw new IllegalArgumentException("tensor " + name(i) + " is " + Arrays.toString(ts.get(i).shape())
                        + ", the layout says " + Arrays.toString(shapes[i]));
            }
        }
    }
}
