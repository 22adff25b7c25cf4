package io.csflow.core.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.csflow.core.operator.MeasurementOperator;
import io.csflow.core.operator.MeasurementOperators;
import io.csflow.core.operator.OperatorKind;
import io.csflow.core.operator.OperatorSpec;
import io.csflow.core.operator.SplitMix64;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class LassoReconstructorTest {

    /** A k-sparse vector with values in [0.3, 1] so clipping to [0, 1] does not touch it. */
    private static float[] sparse(long seed, int n, int k) {
        SplitMix64 rng = new SplitMix64(seed);
        float[] x = new float[n];
        for (int p : rng.chooseIndices(n, k)) {
            x[p] = (float) (0.3 + 0.7 * rng.nextDouble());
        }
        return x;
    }

    private static float[] measure(MeasurementOperator op, float[] x) {
        float[] y = new float[op.m()];
        float[][] a = MeasurementOperators.dense(op);
        for (int i = 0; i < op.m(); i++) {
            double s = 0;
            for (int j = 0; j < op.n(); j++) {
                s += (double) a[i][j] * x[j];
            }
            y[i] = (float) s;
        }
        return y;
    }

    private static double relativeError(float[] estimate, float[] truth) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < truth.length; i++) {
            num += (estimate[i] - truth[i]) * (double) (estimate[i] - truth[i]);
            den += truth[i] * (double) truth[i];
        }
        return Math.sqrt(num / den);
    }

    @Test
    void recoversASparseVectorFromNoiselessGaussianMeasurements() {
        MeasurementOperator op = MeasurementOperators.create(new OperatorSpec(OperatorKind.GAUSSIAN, 17, 100, 256));
        LassoReconstructor lasso = new LassoReconstructor(LassoReconstructor.defaults(LassoReconstructor.Basis.PIXEL, 256)
                .withLambda(1e-4).withMaxIterations(3000).withTolerance(1e-7));
        List<Observation> batch = new ArrayList<>();
        List<float[]> truths = new ArrayList<>();
        for (int r = 0; r < 3; r++) {
            float[] x = sparse(100 + r, 256, 8);
            truths.add(x);
            batch.add(new Observation(op, measure(op, x), 0f));
        }
        List<Estimate> est = lasso.reconstruct(batch);
        for (int r = 0; r < 3; r++) {
            Estimate e = est.get(r);
            double err = relativeError(e.image(), truths.get(r));
            assertTrue(err < 1e-2, "relative error " + err + " after " + e.iterations() + " iterations");
            assertTrue(e.relativeResidual() < 1e-2, "residual " + e.relativeResidual());
            assertEquals(256, e.uncertainty().length);
            assertEquals(0, e.latent().length);
            for (float u : e.uncertainty()) {
                assertEquals(0f, u);
            }
        }
        assertEquals("lasso-pixel", lasso.method());
    }

    @Test
    void objectiveDecreases() {
        MeasurementOperator op = MeasurementOperators.create(new OperatorSpec(OperatorKind.GAUSSIAN, 3, 60, 64));
        float[] y = measure(op, sparse(5, 64, 6));
        for (var basis : new io.csflow.core.operator.Dct2[]{null, new io.csflow.core.operator.Dct2(64)}) {
            List<Double> trace = new ArrayList<>();
            double l = Fista.lipschitz(op, 100);
            Fista.solve(op, Nd4j.create(y, new long[]{1, 60}, 'c'), 0.01, basis, l, 200, 0, trace::add);
            // tolerance 0 stops only at an exact fixed point in float
            assertTrue(trace.size() > 40 && trace.size() <= 200, "iterations " + trace.size());
            double start = Fista.objective(op, Nd4j.create(y, new long[]{1, 60}, 'c'),
                    Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, 1, 64), 0.01, basis);
            assertTrue(trace.get(0) < start, "first step must lower the objective");
            // FISTA is not monotone step by step, but decreases over every stretch of 20 iterations
            for (int k = 20; k < trace.size(); k += 20) {
                assertTrue(trace.get(k) <= trace.get(k - 20) * (1 + 1e-5), "objective rose at " + k + ": " + trace);
            }
            double last = trace.get(trace.size() - 1);
            assertTrue(last < 0.1 * start, "objective " + last + " vs start " + start);
        }
    }

    @Test
    void lipschitzMatchesKnownNormsOfStructuredOperators() {
        LassoReconstructor lasso = new LassoReconstructor(LassoReconstructor.defaults(LassoReconstructor.Basis.DCT, 784));
        // rows of DCT and INPAINT are orthogonal with squared norm n, so ||A||^2 = n
        for (OperatorKind kind : new OperatorKind[]{OperatorKind.SUBSAMPLED_DCT, OperatorKind.INPAINT}) {
            MeasurementOperator op = MeasurementOperators.create(new OperatorSpec(kind, 1, 100, 784));
            assertEquals(1.02 * 784 / 100.0, lasso.lipschitz(op), 1e-3 * 7.84, kind.toString());
        }
    }

    @Test
    void mixedBatchIsGroupedBySpecAndKeepsOrder() {
        MeasurementOperator a = MeasurementOperators.create(new OperatorSpec(OperatorKind.INPAINT, 1, 40, 64));
        MeasurementOperator b = MeasurementOperators.create(new OperatorSpec(OperatorKind.SUBSAMPLED_DCT, 2, 30, 64));
        MeasurementOperator a2 = MeasurementOperators.create(new OperatorSpec(OperatorKind.INPAINT, 1, 40, 64));
        float[] x1 = sparse(1, 64, 5);
        float[] x2 = sparse(2, 64, 5);
        // no early stop: a group shares one stopping rule, so with a tolerance a record's iteration count
        // (and result) depends on its group mates
        LassoReconstructor lasso = new LassoReconstructor(
                LassoReconstructor.defaults(LassoReconstructor.Basis.DCT, 64).withTolerance(0));
        List<Observation> batch = List.of(new Observation(a, measure(a, x1), 0f),
                new Observation(b, measure(b, x2), 0f), new Observation(a2, measure(a2, x2), 0f));
        List<Estimate> mixed = lasso.reconstruct(batch);
        assertEquals(3, mixed.size());
        for (int i = 0; i < 3; i++) {
            Estimate alone = lasso.reconstruct(List.of(batch.get(i))).get(0);
            for (int j = 0; j < 64; j++) {
                assertEquals(alone.image()[j], mixed.get(i).image()[j], 1e-4, "record " + i);
                assertTrue(mixed.get(i).image()[j] >= 0f && mixed.get(i).image()[j] <= 1f, "clipped to [0,1]");
            }
        }
        assertTrue(lasso.reconstruct(List.of()).isEmpty());
    }

    @Test
    void badConfigAndBadObservationsAreExplained() {
        var d = LassoReconstructor.defaults(LassoReconstructor.Basis.PIXEL, 784);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.withLambda(-1));
        assertTrue(e.getMessage().contains("lambda must be finite and >= 0, got -1.0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> d.withLambda(Double.NaN));
        assertTrue(e.getMessage().contains("got NaN"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> d.withMaxIterations(0));
        assertTrue(e.getMessage().contains("maxIterations must be positive, got 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> d.withTolerance(-0.5));
        assertTrue(e.getMessage().contains("tolerance must be finite and >= 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> LassoReconstructor.defaults(LassoReconstructor.Basis.DCT, 783));
        assertTrue(e.getMessage().contains("n=783 is not a perfect square"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> LassoReconstructor.defaults(LassoReconstructor.Basis.PIXEL, 0));
        assertTrue(e.getMessage().contains("imageSize must be positive, got 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new LassoReconstructor.Config(null, 784, 0.1, 10, 0, 10, 10));
        assertTrue(e.getMessage().contains("basis is missing"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new LassoReconstructor(null));
        assertTrue(e.getMessage().contains("config is missing"), e.getMessage());

        LassoReconstructor lasso = new LassoReconstructor(d);
        MeasurementOperator small = MeasurementOperators.create(new OperatorSpec(OperatorKind.GAUSSIAN, 1, 10, 64));
        e = assertThrows(IllegalArgumentException.class,
                () -> lasso.reconstruct(List.of(new Observation(small, new float[10], 0f))));
        assertTrue(e.getMessage().contains("observation 0 has operator GAUSSIAN(seed=1, m=10, n=64) with n=64"
                + " but this lasso-pixel reconstructor expects images of n=784"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> lasso.reconstruct(null));
        assertTrue(e.getMessage().contains("batch is missing"), e.getMessage());
    }
}
