package io.csflow.core.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;

/**
 * An INDArray together with a Java view of its float memory, made once: small element-wise work runs as a
 * plain Java loop over that view ({@link Elementwise}) instead of an ND4J op, which costs a JNI call plus
 * tens of microseconds of op set-up whatever the size (measured: a 64 x 20 scalar multiply ~30 us, a
 * 64 x 500 bias add ~200 us, the same bias add in Java ~13 us). Making the view costs a few microseconds,
 * which is why holders keep it next to their buffer instead of asking per call.
 *
 * <p>Only dense, row-major, non-view float arrays in host memory get a view; everything else (double
 * precision in the gradient tests, views, the CUDA backend whose memory lives on the device) has
 * {@link #floats()} null and the kernels fall back to ND4J ops.
 */
public final class FloatView {

    /** Whether ND4J keeps arrays in host memory (the CPU backend), so Java may read and write them. */
    static final boolean HOST_MEMORY = Nd4j.getBackend().getClass().getSimpleName().startsWith("Cpu");

    private final INDArray array;
    private final FloatBuffer floats;
    private final int length;
    private float[] heap;

    private FloatView(INDArray array) {
        this.array = array;
        this.length = (int) array.length();
        this.floats = eligible(array) ? array.data().asNioFloat() : null;
    }

    public static FloatView of(INDArray array) {
        return new FloatView(array);
    }

    private static boolean eligible(INDArray a) {
        return HOST_MEMORY && a.dataType() == DataType.FLOAT && a.ordering() == 'c' && !a.isView()
                && a.offset() == 0 && a.data().offset() == 0 && a.length() == a.data().length()
                && a.length() <= Integer.MAX_VALUE;
    }

    public INDArray array() {
        return array;
    }

    /** The memory as floats in row-major order (absolute indexing only), or null when Java may not touch it. */
    public FloatBuffer floats() {
        return floats;
    }

    public int length() {
        return length;
    }

    /**
     * A Java array of this view's length, made on first use and kept: staging for kernels that work on Java
     * arrays ({@link VectorActivations}). Only for views whose {@link #floats()} is not null.
     */
    float[] heap() {
        if (heap == null) {
            heap = new float[length];
        }
        return heap;
    }

    /** {@link #heap()} filled with the view's values. */
    float[] copyToHeap() {
        float[] h = heap();
        floats.get(0, h);
        return h;
    }

    /** The view's values := {@link #heap()}. */
    void copyFromHeap() {
        floats.put(0, heap);
    }
}
