package io.csflow.core.solver;

import io.csflow.core.nn.Activation;
import io.csflow.core.nn.DenseStack;
import io.csflow.core.nn.StackPass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The LOWRANK pass and penalty against explicit weights and central finite differences. The decoder runs
 * in double precision; the factors and the per-row work are float (as in production), so the finite
 * differences use steps of 1e-2 and tolerances at float precision: a wrong or missing term is off by the
 * size of the gradient itself (0.01 to 1 here), far outside them.
 */
class LowRankPassGradientTest {

    private static final float H = 1e-2f;
    private static final int RECORDS = 3;
    private static final int[] COMPONENTS = {LowRankFactors.U0, LowRankFactors.U1, LowRankFactors.V0,
            LowRankFactors.V1, LowRankFactors.DB};

    private static DenseStack decoderLike() {
        return DenseStack.xavier(new int[]{3, 7, 6, 5}, Activation.SOFTPLUS, Activation.SIGMOID, 11)
                .castTo(DataType.DOUBLE);
    }

    /** Factors with every value random (V and db too), so every gradient term is exercised. */
    private static LowRankFactors randomFactors(DenseStack net, int first, long seed) {
        LowRankFactors f = new LowRankFactors(net, RECORDS, first, seed);
        Random r = new Random(seed);
        for (int l = first; l < f.layers(); l++) {
            for (int c : COMPONENTS) {
                float[] v = f.values(l, c);
                for (int j = 0; j < v.length; j++) {
                    v[j] = (float) (0.5 * r.nextGaussian());
                }
            }
        }
        return f;
    }

    /** z ~ N(0, I), one row per record, from ND4J's generator seeded with seed. */
    private static INDArray latents(long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.DOUBLE, RECORDS, 3);
    }

    /** A pass over the test decoder with its input fixed to z. */
    private static LowRankPass fixedInput(DenseStack net, int first, INDArray z) {
        LowRankPass pass = new LowRankPass(net, RECORDS, first);
        pass.setInput(z);
        return pass;
    }

    private static double loss(LowRankPass pass, LowRankFactors f, INDArray c) {
        return pass.forward(f).mul(c).sumNumber().doubleValue();
    }

    @ParameterizedTest(name = "first adapted layer {0}")
    @ValueSource(ints = {0, 1})
    void eachRowIsTheDecoderWithItsOwnExplicitWeights(int first) {
        DenseStack net = decoderLike();
        LowRankFactors f = randomFactors(net, first, 2);
        INDArray z = latents(4);
        LowRankPass pass = fixedInput(net, first, z);
        INDArray x = pass.forward(f).dup();
        for (int i = 0; i < RECORDS; i++) {
            DenseStack own = net.dup();
            for (int l = first; l < net.layers(); l++) {
                int in = f.in(l);
                int out = f.out(l);
                INDArray u = Nd4j.create(DataType.DOUBLE, in, 2);
                INDArray v = Nd4j.create(DataType.DOUBLE, 2, out);
                for (int k = 0; k < 2; k++) {
                    for (int j = 0; j < in; j++) {
                        u.putScalar(j, k, f.values(l, LowRankFactors.U0 + k)[i * in + j]);
                    }
                    for (int j = 0; j < out; j++) {
                        v.putScalar(k, j, f.values(l, LowRankFactors.V0 + k)[i * out + j]);
                    }
                }
                own.weight(l).addi(u.mmul(v));
                for (int j = 0; j < out; j++) {
                    own.bias(l).putScalar(0, j, own.bias(l).getDouble(0, j) + f.values(l, LowRankFactors.DB)[i * out + j]);
                }
            }
            INDArray expected = new StackPass(own, 1).forward(own, z.getRow(i, true).dup());
            for (int j = 0; j < expected.length(); j++) {
                assertEquals(expected.getDouble(j), x.getDouble(i, j), 1e-6, "record " + i + " output " + j);
            }
        }
    }

    @ParameterizedTest(name = "first adapted layer {0}")
    @ValueSource(ints = {0, 1})
    void factorGradientsMatchFiniteDifferences(int first) {
        DenseStack net = decoderLike();
        LowRankFactors f = randomFactors(net, first, 3);
        INDArray z = latents(5);
        INDArray c = Nd4j.randn(DataType.DOUBLE, RECORDS, 5);
        LowRankPass pass = fixedInput(net, first, z);
        pass.forward(f);
        pass.outputGradient().assign(c);
        pass.backward(f);
        for (int l = first; l < f.layers(); l++) {
            for (int k : COMPONENTS) {
                float[] g = f.gradients(l, k).clone();
                float[] p = f.values(l, k);
                for (int j = 0; j < p.length; j++) {
                    String where = "layer " + l + " component " + k + " entry " + j;
                    double fd = centralDifference(p, j, () -> loss(pass, f, c));
                    assertEquals(fd, g[j], 2e-3 + 2e-3 * Math.abs(fd), where);
                }
            }
        }
    }

    /** (F(p_j + H) - F(p_j - H)) / (the step actually taken, p_j being float); p_j is restored. */
    private static double centralDifference(float[] p, int j, java.util.function.DoubleSupplier loss) {
        float orig = p[j];
        float up = orig + H;
        float down = orig - H;
        p[j] = up;
        double lossUp = loss.getAsDouble();
        p[j] = down;
        double lossDown = loss.getAsDouble();
        p[j] = orig;
        return (lossUp - lossDown) / ((double) up - down);
    }

    @ParameterizedTest(name = "first adapted layer {0}")
    @ValueSource(ints = {0, 1})
    void penaltyIsTheMeanSquaredWeightChangeAndItsGradientMatchesFiniteDifferences(int first) {
        DenseStack net = decoderLike();
        LowRankFactors f = randomFactors(net, first, 6);
        double lt = 3.0;
        // the penalty from explicitly formed U V
        for (int i = 0; i < RECORDS; i++) {
            double expected = 0;
            for (int l = first; l < net.layers(); l++) {
                int in = f.in(l);
                int out = f.out(l);
                double sq = 0;
                for (int a = 0; a < in; a++) {
                    for (int b = 0; b < out; b++) {
                        double w = 0;
                        for (int k = 0; k < 2; k++) {
                            w += (double) f.values(l, LowRankFactors.U0 + k)[i * in + a]
                                    * f.values(l, LowRankFactors.V0 + k)[i * out + b];
                        }
                        sq += w * w;
                    }
                }
                double bb = 0;
                for (int b = 0; b < out; b++) {
                    double d = f.values(l, LowRankFactors.DB)[i * out + b];
                    bb += d * d;
                }
                expected += sq / (in * out) + bb / out;
            }
            assertEquals(lt * expected, f.penalty(i, lt), 1e-12, "record " + i);
        }
        // the backward with a zero output gradient leaves the penalty's gradient alone
        LowRankPass pass = fixedInput(net, first, latents(9));
        pass.forward(f);
        pass.outputGradient().assign(0.0);
        pass.backward(f, lt, null);
        for (int l = first; l < f.layers(); l++) {
            for (int k : COMPONENTS) {
                float[] g = f.gradients(l, k).clone();
                float[] p = f.values(l, k);
                for (int j = 0; j < p.length; j++) {
                    String where = "layer " + l + " component " + k + " entry " + j;
                    double fd = centralDifference(p, j, () -> total(f, lt));
                    assertEquals(fd, g[j], 1e-4 + 1e-3 * Math.abs(fd), where);
                }
            }
        }
    }

    @ParameterizedTest(name = "first adapted layer {0}")
    @ValueSource(ints = {0, 1})
    void theOptimizerStepInsideTheBackwardIsTheStepOnTheWholeGradient(int first) {
        // each record's factors are updated right after their gradient, inside the backward: that must be
        // the same as a step taken after the whole backward, i.e. nothing reads a factor once updated
        DenseStack net = decoderLike();
        LowRankFactors inside = randomFactors(net, first, 12);
        LowRankFactors after = randomFactors(net, first, 12);
        INDArray z = latents(13);
        INDArray c = Nd4j.randn(DataType.DOUBLE, RECORDS, 5);
        FactorAdam adamInside = new FactorAdam(inside, 0.05, 0.9, 0.999, 1e-8);
        FactorAdam adamAfter = new FactorAdam(after, 0.05, 0.9, 0.999, 1e-8);
        LowRankPass pass = fixedInput(net, first, z);
        for (int step = 0; step < 3; step++) {
            pass.forward(inside);
            pass.outputGradient().assign(c);
            adamInside.nextStep();
            pass.backward(inside, 2.0, adamInside);

            pass.forward(after);
            pass.outputGradient().assign(c);
            pass.backward(after, 2.0, null);
            adamAfter.nextStep();
            for (int l = first; l < after.layers(); l++) {
                for (int k : COMPONENTS) {
                    adamAfter.update(after, l, k, 0, after.values(l, k).length);
                }
            }
        }
        for (int l = first; l < net.layers(); l++) {
            for (int k : COMPONENTS) {
                float[] a = after.values(l, k);
                assertTrue(java.util.Arrays.equals(inside.values(l, k), a), "layer " + l + " component " + k);
            }
        }
        LowRankFactors start = randomFactors(net, first, 12);
        assertNotEquals(start.values(first, LowRankFactors.V0)[0], after.values(first, LowRankFactors.V0)[0],
                "the steps moved the factors");
    }

    private static double total(LowRankFactors f, double lt) {
        double s = 0;
        for (int i = 0; i < RECORDS; i++) {
            s += f.penalty(i, lt);
        }
        return s;
    }

    @ParameterizedTest(name = "first adapted layer {0}")
    @ValueSource(ints = {0, 1})
    void aForwardWithWeightNoiseChangesTheOutputAndLeavesTheCleanPassAsItWas(int first) {
        // the clean pass reuses what setInput computed; a noisy forward runs every layer and must not spoil it
        DenseStack net = decoderLike();
        LowRankFactors f = randomFactors(net, first, 14);
        LowRankPass pass = fixedInput(net, first, latents(15));
        INDArray clean = pass.forward(f).dup();
        double[][] scale = new double[net.layers()][RECORDS];
        for (double[] s : scale) {
            java.util.Arrays.fill(s, 0.3);
        }
        WeightNoise noise = new WeightNoise(net, scale, scale);
        noise.draw();
        INDArray noisy = pass.forward(f, noise).dup();
        assertTrue(noisy.sub(clean).amaxNumber().doubleValue() > 1e-3, "the noise changed the output");
        assertEquals(0.0, pass.forward(f).sub(clean).amaxNumber().doubleValue(), 0.0);
    }

    @ParameterizedTest(name = "first adapted layer {0}")
    @ValueSource(ints = {0, 1})
    void resetStartsEveryRecordAtTheTrainedWeights(int first) {
        DenseStack net = decoderLike();
        LowRankFactors f = randomFactors(net, first, 7);
        f.reset();
        INDArray z = latents(8);
        LowRankPass pass = fixedInput(net, first, z);
        INDArray x = pass.forward(f);
        INDArray expected = new StackPass(net, RECORDS).forward(net, z);
        // equal up to float rounding of the first layer's product and the biases
        assertEquals(0.0, x.sub(expected).amaxNumber().doubleValue(), 1e-6);
        for (int i = 0; i < RECORDS; i++) {
            assertEquals(0.0, f.penalty(i, 1.0), 0.0);
        }
    }
}
