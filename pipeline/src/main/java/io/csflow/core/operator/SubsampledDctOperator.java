package io.csflow.core.operator;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * m rows of the orthonormal 2-D DCT-II of a sqrt(n) x sqrt(n) image, scaled by sqrt(n) so that entries
 * have unit variance (rows have squared norm n). A is never formed: forward = {@link Dct2#analyze} and
 * a gather of the selected coefficients; adjoint = scatter into zeros and {@link Dct2#synthesize}.
 *
 * <p>Row selection: row 0 is always the DC coefficient k = 0 (it carries the mean brightness, which a
 * random choice would often miss); rows 1..m-1 are a partial Fisher-Yates choice of m-1 coefficients
 * from the pool [1, 2, ..., n-1] (one SplitMix64 stream seeded with the spec's seed), in drawn order.
 * Coefficient k = u*w + v has vertical frequency u and horizontal frequency v.
 */
final class SubsampledDctOperator implements MeasurementOperator {

    private final OperatorSpec spec;
    private final Dct2 dct;
    private final int[] rows;
    /** rows mapped to columns of Dct2's transposed layout. */
    private final int[] columns;
    private final double scale;

    SubsampledDctOperator(OperatorSpec spec) {
        this.spec = spec;
        this.dct = new Dct2(spec.n());   // validates that n is a perfect square
        this.rows = rows(spec);
        this.columns = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            columns[i] = dct.transposedColumn(rows[i]);
        }
        this.scale = Math.sqrt(spec.n());
    }

    static int[] rows(OperatorSpec spec) {
        Dct2.side(spec.n());
        int[] pool = new int[spec.n() - 1];
        for (int i = 0; i < pool.length; i++) {
            pool[i] = i + 1;
        }
        int[] chosen = new SplitMix64(spec.seed()).choose(pool, spec.m() - 1);
        int[] rows = new int[spec.m()];
        System.arraycopy(chosen, 0, rows, 1, chosen.length);   // rows[0] = 0, the DC coefficient
        return rows;
    }

    /** The selected coefficients k = u*w + v, in row order. */
    int[] rows() {
        return rows.clone();
    }

    @Override
    public OperatorSpec spec() {
        return spec;
    }

    @Override
    public void forward(INDArray x, INDArray out) {
        Batches.checkShapes(spec, x, spec.n(), out, spec.m(), "forward");
        int b = (int) x.rows();
        float[] coeffs = Batches.toFloats(dct.analyze(x, scale));
        Batches.assign(out, Batches.gather(coeffs, b, spec.n(), columns, 1f), b, spec.m());
    }

    @Override
    public void adjoint(INDArray r, INDArray out) {
        Batches.checkShapes(spec, r, spec.m(), out, spec.n(), "adjoint");
        int b = (int) r.rows();
        float[] coeffs = Batches.scatter(Batches.toFloats(r), b, spec.n(), columns, 1f);
        out.assign(dct.synthesize(Nd4j.create(coeffs, new long[]{b, spec.n()}, 'c'), scale));
    }
}
