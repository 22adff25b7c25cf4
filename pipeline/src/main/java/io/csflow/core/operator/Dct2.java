package io.csflow.core.operator;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The orthonormal 2-D DCT-II of w x w images, applied to a B x n batch (n = w^2, pixel (a, b) at column
 * a*w + b) with the separable 1-D DCT matrix C: coefficients X = C img C^T, two batched GEMMs.
 *
 * <p>C[k][j] = c_k cos(pi (2j + 1) k / (2w)), c_0 = sqrt(1/w), c_k = sqrt(2/w) for k > 0.
 *
 * <p>To save a transpose per call, {@link #analyze} leaves coefficient (u, v) at column v*w + u (the
 * "transposed layout"); {@link #synthesize} reads the same layout. Standard index k = u*w + v maps to
 * {@link #transposedColumn(int)}. Immutable and thread-safe.
 */
public final class Dct2 {

    private final int w;
    private final int n;
    private final INDArray c;

    public Dct2(int n) {
        this.w = side(n);
        this.n = n;
        this.c = Nd4j.create(dctMatrix(w));
    }

    /** sqrt(n), or an error saying the image must be square. */
    public static int side(int n) {
        int w = (int) Math.round(Math.sqrt(n));
        if (n <= 0 || w * w != n) {
            throw new IllegalArgumentException("n=" + n + " is not a perfect square: the 2-D DCT needs a square"
                    + " image of sqrt(n) x sqrt(n) pixels; use n = side*side, e.g. 784 for 28x28");
        }
        return w;
    }

    /** The w x w orthonormal DCT-II matrix, computed in double. */
    public static float[][] dctMatrix(int w) {
        float[][] m = new float[w][w];
        for (int k = 0; k < w; k++) {
            double ck = Math.sqrt((k == 0 ? 1.0 : 2.0) / w);
            for (int j = 0; j < w; j++) {
                m[k][j] = (float) (ck * Math.cos(Math.PI * (2 * j + 1) * k / (2.0 * w)));
            }
        }
        return m;
    }

    public int n() {
        return n;
    }

    public int side() {
        return w;
    }

    /** Column of coefficient k = u*w + v (u vertical, v horizontal frequency) in the transposed layout. */
    public int transposedColumn(int k) {
        return (k % w) * w + k / w;
    }

    /** scale * DCT(x) for a B x n batch, in the transposed layout; returns a new B x n array. */
    public INDArray analyze(INDArray x, double scale) {
        long b = x.rows();
        INDArray rowsOfPixels = contiguous(x).reshape('c', b * w, w);        // [b, a, j]
        INDArray t1 = Nd4j.createUninitialized(DataType.FLOAT, b * w, w);
        Nd4j.gemm(rowsOfPixels, c, t1, false, true, 1.0, 0.0);            // [b, a, v] = sum_j img C[v][j]
        INDArray t1t = t1.reshape('c', b, w, w).permute(0, 2, 1).dup('c').reshape('c', b * w, w); // [b, v, a]
        INDArray t2 = Nd4j.createUninitialized(DataType.FLOAT, b * w, w);
        Nd4j.gemm(t1t, c, t2, false, true, scale, 0.0);                    // [b, v, u] = sum_a C[u][a] ...
        return t2.reshape('c', b, n);
    }

    /** scale * inverse DCT of a B x n batch of coefficients in the transposed layout; returns new B x n. */
    public INDArray synthesize(INDArray coeffs, double scale) {
        long b = coeffs.rows();
        INDArray t2 = contiguous(coeffs).reshape('c', b * w, w);              // [b, v, u]
        INDArray s1 = Nd4j.createUninitialized(DataType.FLOAT, b * w, w);
        Nd4j.gemm(t2, c, s1, false, false, 1.0, 0.0);                      // [b, v, a] = sum_u X C[u][a]
        INDArray s1t = s1.reshape('c', b, w, w).permute(0, 2, 1).dup('c').reshape('c', b * w, w); // [b, a, v]
        INDArray img = Nd4j.createUninitialized(DataType.FLOAT, b * w, w);
        Nd4j.gemm(s1t, c, img, false, false, scale, 0.0);                  // [b, a, j] = sum_v ... C[v][j]
        return img.reshape('c', b, n);
    }

    /** x itself when reshaping it is free, else a row-major copy (gemm inputs must not be odd views). */
    private static INDArray contiguous(INDArray x) {
        return x.isView() || x.ordering() != 'c' ? x.dup('c') : x;
    }
}
