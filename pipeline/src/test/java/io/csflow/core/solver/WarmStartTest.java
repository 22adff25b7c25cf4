package io.csflow.core.solver;

import io.csflow.core.nn.Activation;
import io.csflow.core.nn.DenseStack;
import io.csflow.core.operator.MeasurementOperator;
import io.csflow.core.operator.MeasurementOperators;
import io.csflow.core.operator.OperatorKind;
import io.csflow.core.operator.OperatorSpec;
import io.csflow.core.prior.Priors;
import io.csflow.core.prior.VaePrior;
import io.csflow.data.FashionMnist;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Warm starts and early stopping of the z stage, on the shipped prior and Fashion-MNIST test images. */
class WarmStartTest {

    private static VaePrior prior;
    private static FashionMnist.Dataset test;

    @BeforeAll
    static void load() throws IOException {
        prior = Priors.loadDefault();
        test = FashionMnist.load(FashionMnist.Split.TEST).subset(0, 8);
    }

    /** y = A x + N(0, 0.1^2) for the 8 test images, the evaluate protocol. */
    private static List<Observation> observe(int m) {
        MeasurementOperator op = MeasurementOperators.create(new OperatorSpec(OperatorKind.GAUSSIAN, m, m, 784));
        List<Observation> out = new ArrayList<>();
        for (int i = 0; i < test.size(); i++) {
            INDArray y = Nd4j.create(DataType.FLOAT, 1, m);
            op.forward(Nd4j.create(test.images()[i], new long[]{1, 784}, 'c'), y);
            float[] yi = y.toFloatVector();
            Random rnd = new Random(i);
            for (int j = 0; j < m; j++) {
                yi[j] += (float) (0.1 * rnd.nextGaussian());
            }
            out.add(new Observation(op, yi, 0.1f));
        }
        return out;
    }

    private static double meanMse(List<Estimate> estimates) {
        double s = 0;
        for (int i = 0; i < estimates.size(); i++) {
            float[] truth = test.images()[i];
            for (int p = 0; p < truth.length; p++) {
                double d = truth[p] - estimates.get(i).image()[p];
                s += d * d / truth.length / estimates.size();
            }
        }
        return s;
    }

    private static double meanLoss(List<Estimate> estimates) {
        return estimates.stream().mapToDouble(Estimate::loss).average().orElseThrow();
    }

    @Test
    void aBankStartBeatsARandomStartAtEqualIterations() {
        List<Observation> batch = observe(50);
        LatentSettings random = new LatentSettings(30, 0.1, 0.1, 1, 5);
        List<Estimate> fromRandom = new CsgmReconstructor(prior, random).reconstruct(batch);
        List<Estimate> fromBank = new CsgmReconstructor(prior, random.withWarmStart(WarmStart.bank(4096)))
                .reconstruct(batch);
        double r = meanMse(fromRandom);
        double b = meanMse(fromBank);
        assertTrue(b < 0.8 * r, "MSE after 30 iterations: bank start " + b + ", random start " + r);
        assertTrue(meanLoss(fromBank) < meanLoss(fromRandom), "loss: bank " + meanLoss(fromBank)
                + ", random " + meanLoss(fromRandom));
        for (Estimate e : fromBank) {
            assertEquals(30, e.iterations());
        }
    }

    @Test
    void anEncoderStartBeatsARandomStartAtEqualIterations() {
        List<Observation> batch = observe(200);
        LatentSettings random = new LatentSettings(30, 0.1, 0.1, 1, 5);
        double r = meanMse(new CsgmReconstructor(prior, random).reconstruct(batch));
        double e = meanMse(new CsgmReconstructor(prior, random.withWarmStart(WarmStart.encoder())).reconstruct(batch));
        assertTrue(e < r, "MSE after 30 iterations: encoder start " + e + ", random start " + r);
    }

    @Test
    void theBankStartsEachRecordFromItsBestCandidatesBestFirst() {
        List<Observation> batch = observe(50);
        OperatorGroups groups = OperatorGroups.of(batch);
        CandidateBank bank = CandidateBank.of(prior.decoder(), 256);
        assertTrue(bank == CandidateBank.of(prior.decoder(), 256), "the bank is decoded once per decoder");
        INDArray starts = bank.starts(groups, 3, 0.1);
        assertEquals(3L * batch.size(), starts.rows());
        // score every candidate the slow way (decoder pass, then A) and compare the pick
        MeasurementTerm term = new MeasurementTerm(groups, 1);
        for (int i = 0; i < batch.size(); i++) {
            double[] loss = new double[3];
            for (int c = 0; c < 3; c++) {
                INDArray z = starts.getRow(3L * i + c, true).dup();
                INDArray x = new io.csflow.core.nn.StackPass(prior.decoder(), 1).forward(prior.decoder(), z);
                loss[c] = new MeasurementTerm(groups.single(i), 1).dataLoss(x)[0]
                        + 0.1 * z.mul(z).sumNumber().doubleValue();
            }
            assertTrue(loss[0] <= loss[1] + 1e-5 && loss[1] <= loss[2] + 1e-5,
                    "record " + i + ": candidates not best first: " + java.util.Arrays.toString(loss));
        }
        assertEquals(batch.size(), term.rows());
    }

    @Test
    void lowestKeepsTheSmallestScoresInOrder() {
        double[] score = {5, 1, 4, 1.5, 9, 0.5, 3};
        int[] out = new int[5];
        CandidateBank.lowest(score, 3, out, 2);
        assertArrayEquals(new int[]{0, 0, 5, 1, 3}, out);
    }

    @Test
    void earlyStoppingGivesTheSameAnswerWithinToleranceAndRunsFewerIterations() {
        List<Observation> batch = observe(50);
        LatentSettings full = new LatentSettings(400, 0.1, 0.1, 2, 3).withWarmStart(WarmStart.bank(4096));
        List<Estimate> all = new CsgmReconstructor(prior, full).reconstruct(batch);
        List<Estimate> stopped = new CsgmReconstructor(prior, full.withEarlyStop(new EarlyStop(1e-3, 20)))
                .reconstruct(batch);
        int spent = 0;
        for (int i = 0; i < batch.size(); i++) {
            assertEquals(800, all.get(i).iterations());
            assertTrue(stopped.get(i).iterations() <= 800 && stopped.get(i).iterations() > 0);
            spent += stopped.get(i).iterations();
            double a = all.get(i).loss();
            double s = stopped.get(i).loss();
            assertTrue(Math.abs(s - a) <= 0.02 * a, "record " + i + ": loss " + s + " stopped vs " + a + " not");
        }
        assertTrue(spent < 0.5 * 800 * batch.size(), "early stopping ran " + spent + " of " + 800 * batch.size());
        double a = meanMse(all);
        double s = meanMse(stopped);
        assertTrue(Math.abs(s - a) <= 0.05 * a, "MSE " + s + " stopped vs " + a + " not");
    }

    @Test
    void rowsThatKeepGoingFollowTheSameTrajectoryWhenOthersLeave() {
        // from random starts some rows stall early and leave; the rest must not notice the batch shrinking
        List<Observation> batch = observe(50);
        LatentSettings full = new LatentSettings(120, 0.1, 0.1, 1, 3);
        List<Estimate> all = new CsgmReconstructor(prior, full).reconstruct(batch);
        String seen = "";
        for (double tol : new double[]{0.02, 0.01, 0.005, 0.002, 0.001, 5e-4}) {
            List<Estimate> stopped = new CsgmReconstructor(prior, full.withEarlyStop(new EarlyStop(tol, 10)))
                    .reconstruct(batch);
            int ranAll = 0;
            for (int i = 0; i < batch.size(); i++) {
                if (stopped.get(i).iterations() == 120) {
                    ranAll++;
                    assertArrayEquals(all.get(i).latent(), stopped.get(i).latent(), 1e-3f, "tol " + tol + " record " + i);
                }
            }
            if (ranAll > 0 && ranAll < batch.size()) {
                return;
            }
            seen += " tol " + tol + ": " + ranAll + " of " + batch.size() + " ran all;";
        }
        throw new AssertionError("no tolerance gave rows of both kinds:" + seen);
    }

    @Test
    void aMixedBatchShrinksPerOperatorGroupAndKeepsItsOrder() {
        List<MeasurementOperator> ops = List.of(
                MeasurementOperators.create(new OperatorSpec(OperatorKind.GAUSSIAN, 5, 120, 784)),
                MeasurementOperators.create(new OperatorSpec(OperatorKind.SUBSAMPLED_DCT, 6, 150, 784)),
                MeasurementOperators.create(new OperatorSpec(OperatorKind.RADEMACHER, 7, 100, 784)));
        List<Observation> batch = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            MeasurementOperator op = ops.get(i % 3);
            INDArray y = Nd4j.create(DataType.FLOAT, 1, op.m());
            op.forward(Nd4j.create(test.images()[i], new long[]{1, 784}, 'c'), y);
            batch.add(new Observation(op, y.toFloatVector(), 0.01f));
        }
        LatentSettings settings = new LatentSettings(300, 0.1, 0.01, 2, 1, WarmStart.bank(4096),
                new EarlyStop(1e-3, 10));
        List<Estimate> out = new CsgmReconstructor(prior, settings).reconstruct(batch);
        List<Estimate> all = new CsgmReconstructor(prior, settings.withEarlyStop(EarlyStop.OFF)).reconstruct(batch);
        int spent = 0;
        for (int i = 0; i < batch.size(); i++) {
            float[] image = out.get(i).image();
            double own = 0;
            double other = 0;
            double unstopped = 0;
            for (int p = 0; p < 784; p++) {
                own += Math.pow(test.images()[i][p] - image[p], 2) / 784;
                other += Math.pow(test.images()[(i + 1) % batch.size()][p] - image[p], 2) / 784;
                unstopped += Math.pow(test.images()[i][p] - all.get(i).image()[p], 2) / 784;
            }
            assertTrue(own < other, "record " + i + ": MSE " + own + ", to the next record's truth " + other);
            assertTrue(Math.abs(own - unstopped) < 0.1 * unstopped, "record " + i + ": MSE " + own
                    + " with early stopping, " + unstopped + " without");
            spent += out.get(i).iterations();
        }
        assertTrue(spent < 600 * batch.size(), "no start stopped early: " + spent);
    }

    @Test
    void activeRowsDropStalledRowsAndChargeTheirSteps() {
        ActiveRows rows = new ActiveRows(new EarlyStop(0.1, 5), 4);
        assertTrue(!rows.isCheck(0) && !rows.isCheck(3) && rows.isCheck(5) && rows.isCheck(10));
        rows.start(new double[]{10, 10, 10, 10});
        // rows 1 and 3 improved by less than 10%
        assertArrayEquals(new int[]{1, 3}, rows.check(new double[]{5, 9.5, 8, 10.5}, 6));
        assertArrayEquals(new int[]{0, 2}, rows.active());
        assertArrayEquals(new int[]{0, 2}, rows.kept());
        // positions now refer to rows 0 and 2: row 2 (position 1) stalls
        assertArrayEquals(new int[]{1}, rows.check(new double[]{4, 7.9}, 11));
        assertArrayEquals(new int[]{0}, rows.active());
        assertArrayEquals(new int[]{20, 6, 11, 6}, rows.spent(20));
        assertTrue(!new ActiveRows(EarlyStop.OFF, 1).isCheck(25), "stopping off never checks");
    }

    @Test
    void solverFlopsMatchAHandCountForATinyStack() {
        DenseStack dec = DenseStack.xavier(new int[]{2, 3, 4}, Activation.SOFTPLUS, Activation.SIGMOID, 1);
        DenseStack enc = DenseStack.xavier(new int[]{4, 3, 4}, Activation.SOFTPLUS, Activation.IDENTITY, 2);
        SolverFlops f = new SolverFlops(dec, enc);
        // D = 2(2*3 + 3*4) = 36; m = 2, n = 4
        assertEquals(36, f.decoder());
        assertEquals(2 * 36 + 4 * 2 * 4, f.zIteration(2));
        assertEquals(3 * 36 + 4 * 2 * 4, f.thetaIteration(2));
        // LOWRANK adapts layer 1 (3 -> 4), the last: no products above it per iteration, only A x and A^T r
        // (32) and the rank-2 work 10*2*(3+4); the whole decoder once per fit
        assertEquals(32 + 140, f.lowRankThetaIteration(2, 2));
        assertEquals(36, f.lowRankFitOnce());
        // three layers 2 -> 3 -> 4 -> 5: per iteration the last layer's products forward and back, 2*2*4*5
        SolverFlops three = new SolverFlops(DenseStack.xavier(new int[]{2, 3, 4, 5}, Activation.SOFTPLUS,
                Activation.SIGMOID, 1), null);
        assertEquals(2 * 40 + 4 * 2 * 5 + 10 * 2 * (3 + 4) + 10 * 2 * (4 + 5), three.lowRankThetaIteration(2, 2));
        assertEquals(2 * (2 * 3 + 3 * 4), three.lowRankFitOnce());
        // 10 iterations of 104, end passes 1 * (36 + 16) + 36 + 32
        assertEquals(1160, f.zStage(2, 10, 1, WarmStart.random(), 0, 2));
        // with checks every 5 iterations: 2 checks of 2mn = 16
        assertEquals(1160 + 32, f.zStage(2, 10, 1, WarmStart.random(), 5, 2));
        // bank of 8 shared by 2 records: 2*8*2*4/2 + 2*8*2
        assertEquals(64 + 32, f.warmStart(2, WarmStart.bank(8), 2));
        // encoder: A^T y 2mn = 16, forward 2(4*3 + 3*4) = 48
        assertEquals(16 + 48, f.warmStart(2, WarmStart.encoder(), 2));
    }

    @Test
    void badSettingsNameTheProblemAndTheFix() {
        assertEquals("unknown warm start 'bonk': expected random, encoder, bank or bank:K (K candidates, e.g. bank:4096)",
                assertThrows(IllegalArgumentException.class, () -> WarmStart.parse("bonk")).getMessage());
        assertEquals("warm start 'bank:lots': the bank size after 'bank:' must be an integer, e.g. bank:4096",
                assertThrows(IllegalArgumentException.class, () -> WarmStart.parse("bank:lots")).getMessage());
        assertEquals("a candidate bank needs 1..1048576 candidates, got 0",
                assertThrows(IllegalArgumentException.class, () -> WarmStart.parse("bank:0")).getMessage());
        assertEquals("early-stop tolerance must be in [0, 1) (0 turns stopping off), got -0.1",
                assertThrows(IllegalArgumentException.class, () -> new EarlyStop(-0.1, 10)).getMessage());
        assertEquals("early-stop window must be >= 1 iteration, got 0",
                assertThrows(IllegalArgumentException.class, () -> new EarlyStop(1e-3, 0)).getMessage());
        assertEquals("4 restarts need at least as many bank candidates, got bank:2; raise K or lower --restarts",
                assertThrows(IllegalArgumentException.class,
                        () -> new LatentSettings(10, 0.1, 0.1, 4, 1, WarmStart.bank(2), EarlyStop.OFF)).getMessage());
        assertEquals(WarmStart.bank(WarmStart.DEFAULT_CANDIDATES), WarmStart.parse(" Bank "));
        assertEquals("bank:64", WarmStart.parse("bank:64").toString());
    }
}
