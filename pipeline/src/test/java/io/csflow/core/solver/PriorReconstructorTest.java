package io.csflow.core.solver;

import io.csflow.core.operator.MeasurementOperator;
import io.csflow.core.operator.MeasurementOperators;
import io.csflow.core.operator.OperatorKind;
import io.csflow.core.operator.OperatorSpec;
import io.csflow.core.prior.Priors;
import io.csflow.core.prior.VaePrior;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.csflow.core.solver.SolverFixtures.decode;
import static io.csflow.core.solver.SolverFixtures.latents;
import static io.csflow.core.solver.SolverFixtures.measure;
import static io.csflow.core.solver.SolverFixtures.mse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The generative-prior solvers on the shipped prior, with signals in its range so the answer is known. */
class PriorReconstructorTest {

    private static VaePrior prior;

    @BeforeAll
    static void loadPrior() {
        prior = Priors.loadDefault();
    }

    @Test
    void csgmRecoversAnImageInTheRangeOfThePriorExactly() {
        MeasurementOperator op = MeasurementOperators.create(new OperatorSpec(OperatorKind.GAUSSIAN, 1, 100, 784));
        float[][] truth = decode(prior, latents(prior, 4, 3));
        List<Observation> batch = new ArrayList<>();
        for (float[] x : truth) {
            batch.add(measure(op, x, 0f, 0));
        }
        // no latent penalty: noiseless data in the range of g has an exact solution
        LatentSettings s = new LatentSettings(1500, 0.05, 0.0, 3, 9);
        List<Estimate> out = new CsgmReconstructor(prior, s).reconstruct(batch);
        for (int i = 0; i < truth.length; i++) {
            double err = mse(truth[i], out.get(i).image());
            assertTrue(err < 1e-3, "record " + i + " per-pixel MSE " + err);
            assertTrue(out.get(i).relativeResidual() < 0.05, "record " + i + " residual " + out.get(i).relativeResidual());
        }
    }

    @Test
    void aMixedBatchIsSolvedPerOperatorAndReturnedInOrder() {
        List<MeasurementOperator> ops = List.of(
                MeasurementOperators.create(new OperatorSpec(OperatorKind.GAUSSIAN, 5, 120, 784)),
                MeasurementOperators.create(new OperatorSpec(OperatorKind.SUBSAMPLED_DCT, 6, 150, 784)),
                MeasurementOperators.create(new OperatorSpec(OperatorKind.RADEMACHER, 7, 100, 784)));
        float[][] truth = decode(prior, latents(prior, 6, 4));
        List<Observation> batch = new ArrayList<>();
        for (int i = 0; i < truth.length; i++) {
            batch.add(measure(ops.get(i % 3), truth[i], 0.01f, i));
        }
        List<Estimate> out = new CsgmReconstructor(prior, new LatentSettings(600, 0.1, 0.01, 2, 1)).reconstruct(batch);
        assertEquals(truth.length, out.size());
        for (int i = 0; i < truth.length; i++) {
            double own = mse(truth[i], out.get(i).image());
            double other = mse(truth[(i + 1) % truth.length], out.get(i).image());
            assertTrue(own < 5e-3, "record " + i + " MSE " + own);
            assertTrue(own < other, "record " + i + " is closer to another record's truth");
            assertEquals(prior.latentDim(), out.get(i).latent().length);
        }
    }

    @Test
    void thetaStageFitsTheMeasurementsBetterThanTheLatentStageAlone() {
        MeasurementOperator op = MeasurementOperators.create(new OperatorSpec(OperatorKind.GAUSSIAN, 2, 300, 784));
        io.csflow.data.FashionMnist.Dataset test = loadTest();
        List<Observation> batch = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            batch.add(measure(op, test.images()[i], 0.01f, i));
        }
        LatentSettings ls = new LatentSettings(300, 0.1, 0.1, 1, 1);
        List<Estimate> csgm = new CsgmReconstructor(prior, ls).reconstruct(batch);
        for (ThetaScope scope : ThetaScope.values()) {
            ThetaSettings ts = new ThetaSettings(100, 1e-3, 0.5, SolverOptions.DEFAULT_WEIGHT_PENALTY, scope, 4);
            List<Estimate> csbgm = new CsbgmReconstructor(prior, ls, ts).reconstruct(batch);
            for (int i = 0; i < batch.size(); i++) {
                assertTrue(csbgm.get(i).relativeResidual() < csgm.get(i).relativeResidual(),
                        scope + " record " + i + ": " + csbgm.get(i).relativeResidual() + " vs " + csgm.get(i).relativeResidual());
                float maxU = 0;
                for (float u : csbgm.get(i).uncertainty()) {
                    assertTrue(u >= 0 && Float.isFinite(u));
                    maxU = Math.max(maxU, u);
                }
                assertTrue(maxU > 0, scope + ": uncertainty map is all zero");
            }
        }
    }

    @Test
    void variationalUncertaintyShrinksWithMoreMeasurements() {
        io.csflow.data.FashionMnist.Dataset test = loadTest();
        double[] meanU = new double[2];
        int[] ms = {25, 400};
        for (int k = 0; k < 2; k++) {
            MeasurementOperator op = MeasurementOperators.create(new OperatorSpec(OperatorKind.GAUSSIAN, 3, ms[k], 784));
            List<Observation> batch = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                batch.add(measure(op, test.images()[i], 0.1f, i));
            }
            VariationalSettings vs = VariationalSettings.of(new LatentSettings(300, 0.05, 0.1, 1, 2));
            ThetaSettings ts = new ThetaSettings(0, 1e-3, 0.5, 1.0, ThetaScope.BATCH, 0);
            for (Estimate e : new CsbgmViReconstructor(prior, vs, ts).reconstruct(batch)) {
                for (float u : e.uncertainty()) {
                    meanU[k] += u;
                }
            }
        }
        assertTrue(meanU[0] > 1.5 * meanU[1], "uncertainty at m=25 " + meanU[0] + " vs m=400 " + meanU[1]);
    }

    @Test
    void theSameSeedGivesTheSameReconstructionsEvenWhenItIsZero() {
        // ND4J does not seed its generator with 0: solvers must not pass it on
        MeasurementOperator op = MeasurementOperators.create(new OperatorSpec(OperatorKind.GAUSSIAN, 4, 60, 784));
        List<Observation> batch = new ArrayList<>();
        for (float[] x : decode(prior, latents(prior, 3, 8))) {
            batch.add(measure(op, x, 0.05f, 1));
        }
        LatentSettings ls = new LatentSettings(30, 0.1, 0.1, 2, 0);
        ThetaSettings ts = new ThetaSettings(10, 1e-3, 0.5, 1e4, ThetaScope.RECORD, 2);
        for (int run = 0; run < 2; run++) {
            List<Estimate> a = new CsbgmReconstructor(prior, ls, ts).reconstruct(batch);
            List<Estimate> b = new CsbgmReconstructor(prior, ls, ts).reconstruct(batch);
            for (int i = 0; i < batch.size(); i++) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(a.get(i).latent(), b.get(i).latent(), "record " + i);
                org.junit.jupiter.api.Assertions.assertArrayEquals(a.get(i).image(), b.get(i).image(), "record " + i);
            }
        }
    }

    @Test
    void recordsThatDoNotFitThePriorAreRejectedWithTheReason() {
        MeasurementOperator small = MeasurementOperators.create(new OperatorSpec(OperatorKind.GAUSSIAN, 1, 10, 100));
        Observation o = new Observation(small, new float[10], 0f);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CsgmReconstructor(prior, LatentSettings.papers()).reconstruct(List.of(o)));
        assertEquals("record 0 has n=100 but the prior (version " + prior.version()
                + ") produces images of n=784 pixels", e.getMessage());
    }

    @Test
    void badObservationsNameTheProblem() {
        MeasurementOperator op = MeasurementOperators.create(new OperatorSpec(OperatorKind.GAUSSIAN, 1, 10, 784));
        assertEquals("length of y is 9 but operator GAUSSIAN(seed=1, m=10, n=784) has m=10",
                assertThrows(IllegalArgumentException.class, () -> new Observation(op, new float[9], 0f)).getMessage());
        float[] y = new float[10];
        y[3] = Float.NaN;
        assertEquals("y[3] is NaN: measurements must be finite",
                assertThrows(IllegalArgumentException.class, () -> new Observation(op, y, 0f)).getMessage());
        y[3] = Float.POSITIVE_INFINITY;
        assertEquals("y[3] is Infinity: measurements must be finite",
                assertThrows(IllegalArgumentException.class, () -> new Observation(op, y, 0f)).getMessage());
        assertEquals("noise std must be finite and >= 0, got NaN",
                assertThrows(IllegalArgumentException.class, () -> new Observation(op, new float[10], Float.NaN)).getMessage());
        assertEquals("SUBSAMPLED_DCT operator needs m <= n, got m=800 > n=784",
                assertThrows(IllegalArgumentException.class,
                        () -> new OperatorSpec(OperatorKind.SUBSAMPLED_DCT, 1, 800, 784)).getMessage());
        assertEquals("INPAINT operator needs m <= n, got m=785 > n=784",
                assertThrows(IllegalArgumentException.class,
                        () -> new OperatorSpec(OperatorKind.INPAINT, 1, 785, 784)).getMessage());
        assertEquals("restarts must be >= 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> new LatentSettings(10, 0.1, 0.1, 0, 1)).getMessage());
    }

    private static io.csflow.data.FashionMnist.Dataset loadTest() {
        try {
            return io.csflow.data.FashionMnist.load(io.csflow.data.FashionMnist.Split.TEST).subset(0, 8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
