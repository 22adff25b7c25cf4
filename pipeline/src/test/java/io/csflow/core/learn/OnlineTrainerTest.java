package io.csflow.core.learn;

import io.csflow.core.operator.MeasurementOperator;
import io.csflow.core.operator.OperatorCache;
import io.csflow.core.operator.OperatorSpec;
import io.csflow.core.prior.Priors;
import io.csflow.core.prior.VaePrior;
import io.csflow.core.solver.CsgmReconstructor;
import io.csflow.core.solver.Estimate;
import io.csflow.core.solver.LatentSettings;
import io.csflow.core.solver.Observation;
import io.csflow.data.FashionMnist;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end on the shipped prior: two sensor groups with different Gaussian operators, examples from
 * Fashion-MNIST test images with latents from a quick CSGM run, Nash-MTL + Adam.
 */
class OnlineTrainerTest {

    private static final OperatorCache CACHE = new OperatorCache(8);
    private static final int PER_GROUP = 30;

    private static VaePrior prior;
    private static List<TrainingExample> examples;

    @BeforeAll
    static void buildExamples() throws Exception {
        prior = Priors.loadDefault();
        FashionMnist.Dataset test = FashionMnist.load(FashionMnist.Split.TEST);
        MeasurementOperator near = CACHE.get(OperatorSpec.of("gaussian", 101, 300, 784));
        MeasurementOperator far = CACHE.get(OperatorSpec.of("gaussian", 202, 50, 784));
        Random rnd = new Random(5);
        List<Observation> obs = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 2 * PER_GROUP; i++) {
            boolean isNear = i % 2 == 0;
            MeasurementOperator op = isNear ? near : far;
            float noise = isNear ? 0.01f : 0.1f;
            float[] y = measure(op, test.images()[i], noise, rnd);
            obs.add(new Observation(op, y, noise));
            ids.add((isNear ? "near-" : "far-") + (i % 7));
        }
        List<Estimate> est = new CsgmReconstructor(prior, new LatentSettings(60, 0.1, 0.1, 1, 3)).reconstruct(obs);
        examples = new ArrayList<>();
        for (int i = 0; i < obs.size(); i++) {
            examples.add(new TrainingExample(obs.get(i).operator(), obs.get(i).y(), est.get(i).latent(), null,
                    ids.get(i)));
        }
    }

    private static float[] measure(MeasurementOperator op, float[] x, float noise, Random rnd) {
        org.nd4j.linalg.api.ndarray.INDArray out = org.nd4j.linalg.factory.Nd4j.create(
                org.nd4j.linalg.api.buffer.DataType.FLOAT, 1, op.m());
        op.forward(org.nd4j.linalg.factory.Nd4j.create(x, new long[]{1, x.length}, 'c'), out);
        float[] y = out.toFloatVector();
        for (int j = 0; j < y.length; j++) {
            y[j] += (float) (noise * rnd.nextGaussian());
        }
        return y;
    }

    /**
     * Adam lr 3e-5: at 1e-4 the 30 steps overfit the 24 training examples per task (training losses near
     * 10.5 -> 8.3, far 15.1 -> 10.9) and the far task's held-out loss rose 14%, which the guard rejects.
     */
    private static OnlineTrainer.Config config() {
        return new OnlineTrainer.Config(List.of(
                new TaskSpec("near", "near-\\d+", 40, TaskSpec.BufferMode.RESERVOIR),
                new TaskSpec("far", "far-\\d+", 40, TaskSpec.BufferMode.WINDOW)),
                "nash-mtl", "adam", 3e-5, 1e-5, 10.0, 8, 10, 0.05, 42);
    }

    private static OnlineTrainer fedTrainer() {
        OnlineTrainer t = new OnlineTrainer(prior, config(), CACHE);
        for (TrainingExample e : examples) {
            assertEquals(1, t.offer(e));
        }
        return t;
    }

    @Test
    void lossesGoDownAndTheGuardAcceptsThenRejectsPoison() {
        OnlineTrainer t = fedTrainer();
        assertTrue(t.ready());
        assertEquals(24, t.buffers().get(0).size());
        assertEquals(6, t.buffers().get(0).heldOutSize());
        TaskLoss loss = t.taskLoss();
        double[] before = new double[2];
        for (int i = 0; i < 2; i++) {
            before[i] = loss.loss(prior.decoder(), t.buffers().get(i).training());
        }
        OnlineTrainer.StepReport first = null;
        OnlineTrainer.StepReport last = null;
        for (int s = 0; s < 30; s++) {
            last = t.step();
            if (first == null) {
                first = last;
            }
            assertEquals(2, last.weights().length);
            assertTrue(last.weights()[0] > 0 && last.weights()[1] > 0, "Nash-MTL weights are positive");
        }
        assertTrue(t.candidateDue());
        VaePrior cand = t.candidate();
        assertEquals(prior.version() + 1, cand.version());
        assertTrue(cand.encoder() == prior.encoder(), "the encoder is kept");
        double[] after = new double[2];
        for (int i = 0; i < 2; i++) {
            after[i] = loss.loss(cand.decoder(), t.buffers().get(i).training());
        }
        System.out.printf("training loss near %.6f -> %.6f, far %.6f -> %.6f; first step losses %s weights %s,"
                        + " last %s weights %s norm %.4g%n", before[0], after[0], before[1], after[1],
                java.util.Arrays.toString(first.losses()), java.util.Arrays.toString(first.weights()),
                java.util.Arrays.toString(last.losses()), java.util.Arrays.toString(last.weights()),
                last.directionNorm());
        assertTrue(after[0] < before[0], "near loss " + before[0] + " -> " + after[0]);
        assertTrue(after[1] < before[1], "far loss " + before[1] + " -> " + after[1]);

        Guard.Verdict ok = t.review(cand);
        System.out.printf("guard held-out: candidate %s vs current %s%n",
                java.util.Arrays.toString(ok.candidateLosses()), java.util.Arrays.toString(ok.currentLosses()));
        assertTrue(ok.accepted(), ok.reason());
        assertEquals(prior.version() + 1, t.current().version());
        assertEquals(1, t.accepted());

        VaePrior poisoned = t.candidate();
        assertEquals(prior.version() + 2, poisoned.version());
        poisoned.decoder().weight(1).putScalar(3, 4, Float.NaN);
        Guard.Verdict no = t.review(poisoned);
        assertFalse(no.accepted());
        assertTrue(no.reason().contains("non-finite weights"), no.reason());
        assertTrue(no.reason().contains("1.W"), no.reason());
        assertEquals(1, t.rejected());
        assertEquals(prior.version() + 1, t.current().version());
    }

    @Test
    void snapshotRestoreContinuesIdentically() throws Exception {
        OnlineTrainer t = fedTrainer();
        for (int s = 0; s < 3; s++) {
            t.step();
        }
        OnlineTrainer.State state = t.snapshot();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(state);
        }
        OnlineTrainer.State copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (OnlineTrainer.State) in.readObject();
        }
        OnlineTrainer r = new OnlineTrainer(prior, config(), new OperatorCache(4));
        r.restore(copy);
        assertEquals(3, r.steps());
        for (int s = 0; s < 2; s++) {
            OnlineTrainer.StepReport a = t.step();
            OnlineTrainer.StepReport b = r.step();
            assertEquals(a.step(), b.step());
            assertArrayEquals(a.losses(), b.losses());
            assertArrayEquals(a.weights(), b.weights());
            assertEquals(a.directionNorm(), b.directionNorm());
        }
        assertArrayEquals(t.snapshot().params(), r.snapshot().params());
        assertArrayEquals(FlatWeights.layoutOf(prior.decoder()).flatten(t.candidate().decoder()),
                FlatWeights.layoutOf(prior.decoder()).flatten(r.candidate().decoder()));
    }

    @Test
    void stepNeedsAMiniBatchPerTask() {
        OnlineTrainer t = new OnlineTrainer(prior, config(), CACHE);
        assertEquals(1, t.offer(examples.get(0)));
        assertEquals(0, t.offer(new TrainingExample(examples.get(0).operator(), examples.get(0).y(),
                examples.get(0).z(), null, "elsewhere-1")));
        IllegalStateException e = assertThrows(IllegalStateException.class, t::step);
        assertTrue(e.getMessage().contains("near=1"), e.getMessage());
        Guard.Verdict v = t.review(t.candidate());
        assertFalse(v.accepted());
        assertNotNull(v.reason());
        assertThrows(IllegalArgumentException.class, () -> OnlineTrainer.weighting("pcgrad"));
    }

    @Test
    void clippingBoundsTheSgdStep() {
        OnlineTrainer.Config c = new OnlineTrainer.Config(config().tasks(), "linear", "sgd", 0.5, 0, 1e-3, 4, 5,
                0.05, 1);
        OnlineTrainer t = new OnlineTrainer(prior, c, CACHE);
        examples.forEach(t::offer);
        float[] before = t.snapshot().params();
        OnlineTrainer.StepReport r = t.step();
        assertTrue(r.clipped());
        assertTrue(r.directionNorm() > 1e-3);
        assertArrayEquals(new double[]{1, 1}, r.weights());
        float[] after = t.snapshot().params();
        double sq = 0;
        for (int p = 0; p < before.length; p++) {
            sq += Math.pow((double) after[p] - before[p], 2);
        }
        assertEquals(0.5 * 1e-3, Math.sqrt(sq), 1e-6);
    }
}
