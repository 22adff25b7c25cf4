package io.csflow.core.operator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class MeasurementOperatorsTest {

    private static OperatorSpec spec(OperatorKind kind, long seed, int m, int n) {
        return new OperatorSpec(kind, seed, m, n);
    }

    private static INDArray randomBatch(long seed, int rows, int cols) {
        SplitMix64 rng = new SplitMix64(seed);
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rng.nextGaussian();
        }
        return Nd4j.create(v, new long[]{rows, cols}, 'c');
    }

    @ParameterizedTest
    @EnumSource(OperatorKind.class)
    void sameSpecSameMatrixOtherSeedOtherMatrix(OperatorKind kind) {
        float[][] a = MeasurementOperators.dense(MeasurementOperators.create(spec(kind, 11, 30, 64)));
        float[][] b = MeasurementOperators.dense(MeasurementOperators.create(spec(kind, 11, 30, 64)));
        float[][] c = MeasurementOperators.dense(MeasurementOperators.create(spec(kind, 12, 30, 64)));
        assertTrue(Arrays.deepEquals(a, b), kind + ": same spec must give the same matrix");
        assertFalse(Arrays.deepEquals(a, c), kind + ": another seed must give another matrix");
    }

    @ParameterizedTest
    @EnumSource(OperatorKind.class)
    void adjointIsTheTranspose(OperatorKind kind) {
        for (int[] mnb : new int[][]{{100, 784, 5}, {7, 64, 1}, {64, 64, 3}}) {
            MeasurementOperator op = MeasurementOperators.create(spec(kind, 5, mnb[0], mnb[1]));
            INDArray x = randomBatch(1, mnb[2], op.n());
            INDArray y = randomBatch(2, mnb[2], op.m());
            INDArray ax = Nd4j.create(DataType.FLOAT, mnb[2], op.m());
            INDArray aty = Nd4j.create(DataType.FLOAT, mnb[2], op.n());
            op.forward(x, ax);
            op.adjoint(y, aty);
            for (int r = 0; r < mnb[2]; r++) {
                double lhs = ax.getRow(r).castTo(DataType.DOUBLE).mul(y.getRow(r).castTo(DataType.DOUBLE)).sumNumber().doubleValue();
                double rhs = x.getRow(r).castTo(DataType.DOUBLE).mul(aty.getRow(r).castTo(DataType.DOUBLE)).sumNumber().doubleValue();
                // scale: |<Ax, y>| can cancel, so compare against the product of norms
                double scale = ax.getRow(r).norm2Number().doubleValue() * y.getRow(r).norm2Number().doubleValue();
                assertEquals(lhs, rhs, 1e-4 * scale, kind + " " + Arrays.toString(mnb) + " row " + r);
            }
        }
    }

    @Test
    void gaussianMayHaveMoreRowsThanColumns() {
        MeasurementOperator op = MeasurementOperators.create(spec(OperatorKind.GAUSSIAN, 1, 80, 49));
        INDArray out = Nd4j.create(DataType.FLOAT, 2, 80);
        op.forward(randomBatch(3, 2, 49), out);
        assertEquals(80, MeasurementOperators.dense(op).length);
    }

    @ParameterizedTest
    @EnumSource(OperatorKind.class)
    void forwardAndAdjointAgreeWithTheDenseMatrixForAnyBatchAndViewOutputs(OperatorKind kind) {
        MeasurementOperator op = MeasurementOperators.create(spec(kind, 9, 20, 64));
        float[][] a = MeasurementOperators.dense(op);
        INDArray x = randomBatch(4, 3, 64);
        // write into a column slice of a wider array: outputs may be views
        INDArray wide = Nd4j.zeros(DataType.FLOAT, 3, 25);
        INDArray out = wide.get(NDArrayIndex.all(), NDArrayIndex.interval(2, 22));
        op.forward(x, out);
        float[] xs = Batches.toFloats(x);
        for (int b = 0; b < 3; b++) {
            for (int i = 0; i < 20; i++) {
                double s = 0;
                for (int j = 0; j < 64; j++) {
                    s += a[i][j] * xs[b * 64 + j];
                }
                assertEquals(s, wide.getDouble(b, i + 2), 1e-4 * 64, kind + " forward");
            }
        }
        assertEquals(0.0, wide.getDouble(0, 0));
        assertEquals(0.0, wide.getDouble(0, 24));
    }

    @ParameterizedTest
    @EnumSource(OperatorKind.class)
    void rowBlockViewOutputsGetTheSameProductsAsWholeArrays(OperatorKind kind) {
        // the solver's operator groups write into blocks of whole rows of one batch matrix
        MeasurementOperator op = MeasurementOperators.create(spec(kind, 5, 20, 64));
        INDArray x = randomBatch(6, 3, 64);
        INDArray whole = Nd4j.create(DataType.FLOAT, 3, 20);
        op.forward(x, whole);
        INDArray tall = Nd4j.zeros(DataType.FLOAT, 7, 20);
        INDArray block = tall.get(NDArrayIndex.interval(2, 5), NDArrayIndex.all());
        op.forward(x, block);
        assertTrue(whole.equalsWithEps(block, 1e-6), kind + " forward into rows 2..4");
        assertEquals(0.0, tall.getRow(1).sumNumber().doubleValue());
        assertEquals(0.0, tall.getRow(5).sumNumber().doubleValue());

        INDArray back = Nd4j.create(DataType.FLOAT, 3, 64);
        op.adjoint(whole, back);
        INDArray tallBack = Nd4j.zeros(DataType.FLOAT, 6, 64);
        INDArray backBlock = tallBack.get(NDArrayIndex.interval(3, 6), NDArrayIndex.all());
        op.adjoint(whole, backBlock);
        assertTrue(back.equalsWithEps(backBlock, 1e-5), kind + " adjoint into rows 3..5");
        assertEquals(0.0, tallBack.getRow(2).sumNumber().doubleValue());
    }

    /** The subsampled DCT applied fast equals its rows written out with the cosine formula. */
    @Test
    void subsampledDctMatchesIndependentlyFormedBasis() {
        for (int[] mn : new int[][]{{20, 64}, {100, 784}}) {
            int m = mn[0];
            int n = mn[1];
            int w = (int) Math.sqrt(n);
            OperatorSpec s = spec(OperatorKind.SUBSAMPLED_DCT, 3, m, n);
            int[] rows = MeasurementOperators.selection(s);
            assertEquals(0, rows[0], "DC coefficient first");
            assertEquals(m, new HashSet<>(Arrays.stream(rows).boxed().toList()).size(), "distinct rows");
            double[][] expected = new double[m][n];
            for (int i = 0; i < m; i++) {
                int u = rows[i] / w;
                int v = rows[i] % w;
                double cu = Math.sqrt((u == 0 ? 1.0 : 2.0) / w);
                double cv = Math.sqrt((v == 0 ? 1.0 : 2.0) / w);
                for (int a = 0; a < w; a++) {
                    for (int b = 0; b < w; b++) {
                        expected[i][a * w + b] = Math.sqrt(n) * cu * cv * Math.cos(Math.PI * (2 * a + 1) * u / (2.0 * w))
                                * Math.cos(Math.PI * (2 * b + 1) * v / (2.0 * w));
                    }
                }
            }
            MeasurementOperator op = MeasurementOperators.create(s);
            float[][] fromForward = MeasurementOperators.dense(op);
            // the adjoint applied to unit vectors gives the rows as well
            INDArray rowsFromAdjoint = Nd4j.create(DataType.FLOAT, m, n);
            op.adjoint(Nd4j.eye(m).castTo(DataType.FLOAT), rowsFromAdjoint);
            float[] adj = Batches.toFloats(rowsFromAdjoint);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    assertEquals(expected[i][j], fromForward[i][j], 1e-4, "forward entry " + i + "," + j);
                    assertEquals(expected[i][j], adj[i * n + j], 1e-4, "adjoint entry " + i + "," + j);
                }
            }
        }
    }

    @Test
    void inpaintKeepsDistinctPixelsScaledBySqrtN() {
        OperatorSpec s = spec(OperatorKind.INPAINT, 1, 100, 784);
        int[] p = MeasurementOperators.selection(s);
        Set<Integer> distinct = new HashSet<>();
        for (int q : p) {
            assertTrue(q >= 0 && q < 784);
            distinct.add(q);
        }
        assertEquals(100, distinct.size());
        float[][] a = MeasurementOperators.dense(MeasurementOperators.create(s));
        for (int i = 0; i < 100; i++) {
            assertEquals(28f, a[i][p[i]]);
        }
    }

    @ParameterizedTest
    @EnumSource(OperatorKind.class)
    void entriesHaveUnitVariance(OperatorKind kind) {
        float[][] a = MeasurementOperators.dense(MeasurementOperators.create(spec(kind, 21, 200, 784)));
        double sum = 0;
        double sumSq = 0;
        for (float[] row : a) {
            for (float v : row) {
                sum += v;
                sumSq += (double) v * v;
            }
        }
        double count = 200.0 * 784;
        double meanSquare = sumSq / count;
        // structured kinds have rows of squared norm n exactly; random kinds within a few standard errors
        assertEquals(1.0, meanSquare, 0.02, kind + " mean square");
        if (kind == OperatorKind.GAUSSIAN || kind == OperatorKind.RADEMACHER) {
            assertEquals(0.0, sum / count, 0.02, kind + " mean");
        }
    }

    @Test
    void badArgumentsAreExplained() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MeasurementOperators.create(spec(OperatorKind.SUBSAMPLED_DCT, 1, 10, 783)));
        assertTrue(e.getMessage().contains("n=783 is not a perfect square"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> spec(OperatorKind.SUBSAMPLED_DCT, 1, 785, 784));
        assertTrue(e.getMessage().contains("needs m <= n, got m=785 > n=784"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> spec(OperatorKind.INPAINT, 1, 785, 784));
        assertTrue(e.getMessage().contains("needs m <= n, got m=785 > n=784"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> OperatorSpec.of("HADAMARD", 1, 10, 64));
        assertTrue(e.getMessage().contains("unknown operator kind 'HADAMARD'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> MeasurementOperators.create(null));
        assertTrue(e.getMessage().contains("spec is missing"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> MeasurementOperators.selection(spec(OperatorKind.GAUSSIAN, 1, 10, 64)));
        assertTrue(e.getMessage().contains("GAUSSIAN has no row selection"), e.getMessage());
        MeasurementOperator op = MeasurementOperators.create(spec(OperatorKind.GAUSSIAN, 1, 10, 64));
        e = assertThrows(IllegalArgumentException.class,
                () -> op.forward(Nd4j.create(DataType.FLOAT, 2, 63), Nd4j.create(DataType.FLOAT, 2, 10)));
        assertTrue(e.getMessage().contains("needs a B x 64 input and a B x 10 output, got [2, 63]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new OperatorCache(0));
        assertTrue(e.getMessage().contains("capacity must be positive, got 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SplitMix64(1).nextInt(0));
        assertTrue(e.getMessage().contains("bound must be positive, got 0"), e.getMessage());
    }

    @Test
    void cacheIsBoundedLeastRecentlyUsedAndSharesInstances() {
        OperatorCache cache = new OperatorCache(3);
        OperatorSpec[] s = new OperatorSpec[5];
        for (int i = 0; i < 5; i++) {
            s[i] = spec(OperatorKind.INPAINT, i, 10, 64);
        }
        MeasurementOperator first = cache.get(s[0]);
        cache.get(s[1]);
        cache.get(s[2]);
        assertTrue(first == cache.get(s[0]), "a hit returns the same instance");
        cache.get(s[3]);                       // evicts s[1], the least recently used
        assertEquals(3, cache.size());
        assertTrue(cache.contains(s[0]));
        assertFalse(cache.contains(s[1]));
        for (int i = 0; i < 5; i++) {
            cache.get(s[i]);
        }
        assertEquals(3, cache.size());
        assertEquals(OperatorCache.DEFAULT_CAPACITY, OperatorCache.shared().capacity());
    }

    @Test
    void cacheIsSafeUnderConcurrentUse() throws Exception {
        OperatorCache cache = new OperatorCache(4);
        Thread[] threads = new Thread[4];
        Throwable[] failure = new Throwable[1];
        for (int t = 0; t < threads.length; t++) {
            final int id = t;
            threads[t] = new Thread(() -> {
                try {
                    for (int i = 0; i < 200; i++) {
                        OperatorSpec s = spec(OperatorKind.RADEMACHER, (i * 7 + id) % 9, 4, 16);
                        assertArrayEquals(new long[]{4, 16}, new long[]{cache.get(s).m(), cache.get(s).n()});
                    }
                } catch (Throwable e) {
                    synchronized (failure) {
                        failure[0] = e;
                    }
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(null, failure[0]);
        assertTrue(cache.size() <= 4);
    }

    @Test
    void dctAnalyzeThenSynthesizeIsIdentity() {
        Dct2 dct = new Dct2(64);
        INDArray x = randomBatch(8, 4, 64);
        INDArray back = dct.synthesize(dct.analyze(x, 1.0), 1.0);
        assertTrue(x.equalsWithEps(back, 1e-4));
    }
}
