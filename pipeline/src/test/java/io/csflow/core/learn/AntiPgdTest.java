package io.csflow.core.learn;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AntiPgdTest {

    private static final int D = 10;

    /** Widening valley L(u, v) = v^2 ||u||^2 / 2, theta = (u_1..u_10, v). */
    private static void valleyGradient(float[] theta, float[] grad) {
        double v = theta[D];
        double uu = 0;
        for (int i = 0; i < D; i++) {
            uu += (double) theta[i] * theta[i];
            grad[i] = (float) (v * v * theta[i]);
        }
        grad[D] = (float) (v * uu);
    }

    /** Tr of the Hessian: d2L/du2 = v^2 I (trace 10 v^2) plus d2L/dv2 = ||u||^2. */
    private static double hessianTrace(float[] theta) {
        double uu = 0;
        for (int i = 0; i < D; i++) {
            uu += (double) theta[i] * theta[i];
        }
        return D * (double) theta[D] * theta[D] + uu;
    }

    private static float[] valleyStart() {
        float[] theta = new float[D + 1];
        Arrays.fill(theta, 0, D, 1f); // u = (1, ..., 1), ||u||^2 = 10
        theta[D] = 1f;                // v = 1
        return theta;
    }

    private static final double LR = 0.01;
    private static final double S = 0.05;
    private static final int STEPS = 20_000;

    private static float[] gd() {
        float[] theta = valleyStart();
        float[] grad = new float[D + 1];
        SgdOptimizer sgd = new SgdOptimizer(LR);
        for (int t = 0; t < STEPS; t++) {
            valleyGradient(theta, grad);
            sgd.step(theta, grad);
        }
        return theta;
    }

    /** PGD: theta += xi_{t+1} after each step, xi iid (the same noise stream as Anti-PGD's). */
    private static float[] pgd(long seed) {
        float[] theta = valleyStart();
        float[] grad = new float[D + 1];
        float[] xi = new float[D + 1];
        SgdOptimizer sgd = new SgdOptimizer(LR);
        for (int t = 0; t < STEPS; t++) {
            valleyGradient(theta, grad);
            sgd.step(theta, grad);
            GaussianNoise.fill(seed, t + 1, S, xi);
            for (int j = 0; j <= D; j++) {
                theta[j] += xi[j];
            }
        }
        return theta;
    }

    private static AntiPgd antiPgd(float[] theta, long seed) {
        float[] grad = new float[D + 1];
        AntiPgd anti = new AntiPgd(new SgdOptimizer(LR), S, seed);
        for (int t = 0; t < STEPS; t++) {
            valleyGradient(theta, grad);
            anti.step(theta, grad);
        }
        return anti;
    }

    @Test
    void antiPgdFindsAFlatterMinimumOfTheWideningValley() {
        double gd = hessianTrace(gd());
        double sumAnti = 0;
        double sumPgd = 0;
        StringBuilder report = new StringBuilder(String.format(
                "widening valley, u0 = 1 (R^10), v0 = 1, lr %.2g, s %.2g, %d steps; Tr H: GD %.4f%n", LR, S, STEPS, gd));
        for (long seed = 0; seed < 5; seed++) {
            double pgd = hessianTrace(pgd(seed));
            float[] theta = valleyStart();
            AntiPgd anti = antiPgd(theta, seed);
            double antiPublished = hessianTrace(anti.published(theta));
            double antiTheta = hessianTrace(theta);
            report.append(String.format("  seed %d: PGD %.4f, Anti-PGD %.4f (at theta with noise %.4f)%n",
                    seed, pgd, antiPublished, antiTheta));
            assertTrue(antiPublished < gd, "seed " + seed + ": Anti-PGD " + antiPublished + " vs GD " + gd);
            assertTrue(antiPublished < pgd, "seed " + seed + ": Anti-PGD " + antiPublished + " vs PGD " + pgd);
            sumAnti += antiPublished;
            sumPgd += pgd;
        }
        report.append(String.format("  mean: GD %.4f, PGD %.4f, Anti-PGD %.4f", gd, sumPgd / 5, sumAnti / 5));
        System.out.println(report);
    }

    @Test
    void snapshotRestoreContinuesTheSameTrajectory() throws Exception {
        for (boolean adam : new boolean[] {false, true}) {
            float[] theta = valleyStart();
            float[] grad = new float[D + 1];
            AdamOptimizer adamBase = new AdamOptimizer(1e-3);
            Optimizer base = adam ? adamBase : new SgdOptimizer(LR);
            AntiPgd anti = new AntiPgd(base, S, 42);
            for (int t = 0; t < 100; t++) {
                valleyGradient(theta, grad);
                anti.step(theta, grad);
            }
            byte[] antiState = serialize(anti.state());
            byte[] adamState = serialize(adamBase.state());
            float[] saved = theta.clone();
            for (int t = 0; t < 100; t++) {
                valleyGradient(theta, grad);
                anti.step(theta, grad);
            }

            AdamOptimizer adamCopy = new AdamOptimizer(1e-3);
            adamCopy.restore((AdamOptimizer.State) deserialize(adamState));
            AntiPgd copy = new AntiPgd(adam ? adamCopy : new SgdOptimizer(LR), 0.7, 7); // restore overrides both
            copy.restore((AntiPgd.State) deserialize(antiState));
            float[] resumed = saved.clone();
            for (int t = 0; t < 100; t++) {
                valleyGradient(resumed, grad);
                copy.step(resumed, grad);
            }
            assertArrayEquals(theta, resumed, "adam base: " + adam);
            assertArrayEquals(anti.published(theta), copy.published(resumed));
            assertEquals(200, copy.steps());
        }
    }

    @Test
    void publishedWeightsExcludeTheCurrentNoise() {
        float[] theta = {1, 2, 3, 4, 5};
        float[] zero = new float[5];
        AntiPgd anti = new AntiPgd(new SgdOptimizer(0.1), 0.5, 3);
        assertArrayEquals(theta, anti.published(theta), "no noise before the first step");
        for (int t = 0; t < 10; t++) {
            anti.step(theta, zero);
        }
        float[] xi = new float[5];
        GaussianNoise.fill(3, 10, 0.5, xi);
        float[] published = anti.published(theta);
        double moved = 0;
        for (int j = 0; j < 5; j++) {
            assertEquals(theta[j] - xi[j], published[j], 0f, "exactly theta - xi_t");
            assertEquals(j + 1, published[j], 1e-5, "zero gradients: the noise telescopes away");
            moved = Math.max(moved, Math.abs(theta[j] - (j + 1)));
        }
        assertTrue(moved > 0.1, "theta itself holds xi_t: " + moved);
    }

    @Test
    void switchingTheNoiseOffRemovesTheLastXiOnce() {
        float[] theta = {1, -1, 0.5f};
        float[] zero = new float[3];
        AntiPgd anti = new AntiPgd(new SgdOptimizer(0.1), 0.3, 5);
        for (int t = 0; t < 5; t++) {
            anti.step(theta, zero);
        }
        float[] published = anti.published(theta);
        anti.setNoiseScale(0);
        anti.step(theta, zero);
        assertArrayEquals(published, theta, "theta -= xi_t once");
        assertArrayEquals(theta, anti.published(theta), "nothing left to remove");
        anti.step(theta, zero);
        assertArrayEquals(published, theta, "and no more noise");
    }

    @Test
    void deterministicGivenTheSeed() {
        float[] a = valleyStart();
        float[] b = valleyStart();
        float[] c = valleyStart();
        float[] grad = new float[D + 1];
        AntiPgd first = new AntiPgd(new SgdOptimizer(LR), S, 9);
        AntiPgd second = new AntiPgd(new SgdOptimizer(LR), S, 9);
        AntiPgd other = new AntiPgd(new SgdOptimizer(LR), S, 10);
        for (int t = 0; t < 50; t++) {
            valleyGradient(a, grad);
            first.step(a, grad);
            valleyGradient(b, grad);
            second.step(b, grad);
            valleyGradient(c, grad);
            other.step(c, grad);
        }
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
    }

    @Test
    void rejectsBadSettingsNamingTheValue() {
        assertEquals("Invalid noise scale (must be finite and >= 0): -0.1", assertThrows(
                IllegalArgumentException.class, () -> new AntiPgd(new SgdOptimizer(1), -0.1, 0)).getMessage());
        AntiPgd anti = new AntiPgd(new SgdOptimizer(1), 0, 0);
        assertEquals("Invalid noise scale (must be finite and >= 0): NaN", assertThrows(
                IllegalArgumentException.class, () -> anti.setNoiseScale(Double.NaN)).getMessage());
        assertEquals("Invalid learning rate: 0.0",
                assertThrows(IllegalArgumentException.class, () -> new SgdOptimizer(0)).getMessage());
        assertEquals("Invalid beta parameter at index 1: 1.0", assertThrows(IllegalArgumentException.class,
                () -> new AdamOptimizer(1e-3, 0.9, 1.0, 1e-8)).getMessage());
        assertEquals("got 2 gradients for 3 parameters", assertThrows(IllegalArgumentException.class,
                () -> anti.step(new float[3], new float[2])).getMessage());
    }

    @Test
    void adamMatchesTheTextbookFirstStep() {
        float[] theta = {1, -2};
        new AdamOptimizer(0.1).step(theta, new float[] {3, -0.5f});
        // first step: m_hat = g, v_hat = g^2, so theta -= lr * sign(g) (up to epsilon)
        assertEquals(0.9f, theta[0], 1e-6);
        assertEquals(-1.9f, theta[1], 1e-6);
    }

    private static byte[] serialize(Object o) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        return bytes.toByteArray();
    }

    private static Object deserialize(byte[] bytes) throws Exception {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return in.readObject();
        }
    }
}
