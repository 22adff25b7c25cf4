package io.csflow.core.solver;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Bulk copies between one ND4J array (c-order, contiguous, allocated by its owner) and a Java float[]:
 * a memcpy through the array's native pointer, resolved once, so per-iteration copies allocate nothing.
 * The low-rank theta stage does its small per-row work in plain Java loops, where one ND4J
 * element-wise op per step would cost more than the arithmetic (a JNI call and several ns per element).
 * FLOAT arrays are copied directly; DOUBLE arrays (gradient tests) go through a double[] staging buffer.
 */
final class HostCopy {

    private final INDArray array;
    private final int length;
    private final FloatPointer floats;
    private final DoublePointer doubles;
    private final double[] staging;

    HostCopy(INDArray array) {
        if (array.ordering() != 'c' || array.isView() || array.offset() != 0) {
            throw new IllegalArgumentException("host copies need a whole c-order array, got shape "
                    + java.util.Arrays.toString(array.shape()) + " order " + array.ordering()
                    + (array.isView() ? " (a view)" : ""));
        }
        this.array = array;
        this.length = (int) array.length();
        Pointer p = array.data().addressPointer();
        if (array.dataType() == DataType.FLOAT) {
            floats = p instanceof FloatPointer f ? f : new FloatPointer(p);
            doubles = null;
            staging = null;
        } else if (array.dataType() == DataType.DOUBLE) {
            doubles = p instanceof DoublePointer d ? d : new DoublePointer(p);
            floats = null;
            staging = new double[length];
        } else {
            throw new IllegalArgumentException("host copies support FLOAT and DOUBLE arrays, got " + array.dataType());
        }
    }

    INDArray array() {
        return array;
    }

    int length() {
        return length;
    }

    /** dst[0, length) := the array's values, row-major. */
    void read(float[] dst) {
        if (floats != null) {
            floats.position(0).get(dst, 0, length);
        } else {
            doubles.position(0).get(staging, 0, length);
            for (int i = 0; i < length; i++) {
                dst[i] = (float) staging[i];
            }
        }
    }

    /** The array's values := src[0, length), row-major. */
    void write(float[] src) {
        if (floats != null) {
            floats.position(0).put(src, 0, length);
        } else {
            for (int i = 0; i < length; i++) {
                staging[i] = src[i];
            }
            doubles.position(0).put(staging, 0, length);
        }
    }
}
