package io.csflow.core.operator;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Keeps m pixels: row i is sqrt(n) e_{p_i}, so rows have squared norm n like the random kinds. The pixel
 * list p is a partial Fisher-Yates choice of m of 0..n-1 from one SplitMix64 stream seeded with the
 * spec's seed ({@link SplitMix64#chooseIndices}), in drawn order. Applied as a gather / scatter on
 * plain arrays: a GEMM with a 0/1 matrix would cost B*m*n for B*m useful values.
 */
final class InpaintOperator implements MeasurementOperator {

    private final OperatorSpec spec;
    private final int[] pixels;
    private final float scale;

    InpaintOperator(OperatorSpec spec) {
        this.spec = spec;
        this.pixels = pixels(spec);
        this.scale = (float) Math.sqrt(spec.n());
    }

    static int[] pixels(OperatorSpec spec) {
        return new SplitMix64(spec.seed()).chooseIndices(spec.n(), spec.m());
    }

    /** The kept pixels p_0 .. p_{m-1}, in row order. */
    int[] pixels() {
        return pixels.clone();
    }

    @Override
    public OperatorSpec spec() {
        return spec;
    }

    @Override
    public void forward(INDArray x, INDArray out) {
        Batches.checkShapes(spec, x, spec.n(), out, spec.m(), "forward");
        int b = (int) x.rows();
        Batches.assign(out, Batches.gather(Batches.toFloats(x), b, spec.n(), pixels, scale), b, spec.m());
    }

    @Override
    public void adjoint(INDArray r, INDArray out) {
        Batches.checkShapes(spec, r, spec.m(), out, spec.n(), "adjoint");
        int b = (int) r.rows();
        Batches.assign(out, Batches.scatter(Batches.toFloats(r), b, spec.n(), pixels, scale), b, spec.n());
    }
}
