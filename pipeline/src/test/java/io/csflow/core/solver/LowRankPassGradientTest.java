package io.csflow.core.solver;

import io.csflow.core.nn.Activation;
import io.csflow.core.nn.DenseStack;
import io.csflow.core.nn.StackPass;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The LOWRANK pass and penalty against explicit weights and central finite differences, in double precision. */
class LowRankPassGradientTest {

    private static final double H = 1e-6;
    private static final int RECORDS = 3;

    private static DenseStack decoderLike() {
        return DenseStack.xavier(new int[]{3, 7, 6, 5}, Activation.SOFTPLUS, Activation.SIGMOID, 11)
                .castTo(DataType.DOUBLE);
    }

    /** Factors with every value random (V and db too), so every gradient term is exercised. */
    private static LowRankFactors randomFactors(DenseStack net, long seed) {
        LowRankFactors f = new LowRankFactors(net, RECORDS, seed);
        Random r = new Random(seed);
        double[] v = f.values();
        for (int j = 0; j < v.length; j++) {
            v[j] = 0.5 * r.nextGaussian();
        }
        return f;
    }

    private static double loss(LowRankPass pass, LowRankFactors f, INDArray c) {
        return pass.forward(f).mul(c).sumNumber().doubleValue();
    }

    @Test
    void eachRowIsTheDecoderWithItsOwnExplicitWeights() {
        DenseStack net = decoderLike();
        LowRankFactors f = randomFactors(net, 2);
        Nd4j.getRandom().setSeed(4);
        INDArray z = Nd4j.randn(DataType.DOUBLE, RECORDS, 3);
        LowRankPass pass = new LowRankPass(net, RECORDS);
        pass.setInput(z);
        INDArray x = pass.forward(f).dup();
        for (int i = 0; i < RECORDS; i++) {
            DenseStack own = net.dup();
            for (int l = 0; l < net.layers(); l++) {
                int in = f.in(l);
                int out = f.out(l);
                INDArray u = Nd4j.create(DataType.DOUBLE, in, 2);
                INDArray v = Nd4j.create(DataType.DOUBLE, 2, out);
                for (int k = 0; k < 2; k++) {
                    for (int j = 0; j < in; j++) {
                        u.putScalar(j, k, f.values()[f.u(l, i) + k * in + j]);
                    }
                    for (int j = 0; j < out; j++) {
                        v.putScalar(k, j, f.values()[f.v(l, i) + k * out + j]);
                    }
                }
                own.weight(l).addi(u.mmul(v));
                for (int j = 0; j < out; j++) {
                    own.bias(l).putScalar(0, j, own.bias(l).getDouble(0, j) + f.values()[f.db(l, i) + j]);
                }
            }
            INDArray expected = new StackPass(own, 1).forward(own, z.getRow(i, true).dup());
            for (int j = 0; j < expected.length(); j++) {
                assertEquals(expected.getDouble(j), x.getDouble(i, j), 1e-12, "record " + i + " output " + j);
            }
        }
    }

    @Test
    void factorGradientsMatchFiniteDifferences() {
        DenseStack net = decoderLike();
        LowRankFactors f = randomFactors(net, 3);
        Nd4j.getRandom().setSeed(5);
        INDArray z = Nd4j.randn(DataType.DOUBLE, RECORDS, 3);
        INDArray c = Nd4j.randn(DataType.DOUBLE, RECORDS, 5);
        LowRankPass pass = new LowRankPass(net, RECORDS);
        pass.setInput(z);
        pass.forward(f);
        pass.outputGradient().assign(c);
        pass.backward(f);
        double[] g = f.gradients().clone();
        double[] p = f.values();
        for (int j = 0; j < p.length; j++) {
            double orig = p[j];
            p[j] = orig + H;
            double up = loss(pass, f, c);
            p[j] = orig - H;
            double down = loss(pass, f, c);
            p[j] = orig;
            assertEquals((up - down) / (2 * H), g[j], 1e-7, "parameter " + j);
        }
    }

    @Test
    void penaltyIsTheMeanSquaredWeightChangeAndItsGradientMatchesFiniteDifferences() {
        DenseStack net = decoderLike();
        LowRankFactors f = randomFactors(net, 6);
        double lt = 3.0;
        // the penalty from explicitly formed U V
        for (int i = 0; i < RECORDS; i++) {
            double expected = 0;
            for (int l = 0; l < net.layers(); l++) {
                int in = f.in(l);
                int out = f.out(l);
                double sq = 0;
                for (int a = 0; a < in; a++) {
                    for (int b = 0; b < out; b++) {
                        double w = 0;
                        for (int k = 0; k < 2; k++) {
                            w += f.values()[f.u(l, i) + k * in + a] * f.values()[f.v(l, i) + k * out + b];
                        }
                        sq += w * w;
                    }
                }
                double bb = 0;
                for (int b = 0; b < out; b++) {
                    bb += f.values()[f.db(l, i) + b] * f.values()[f.db(l, i) + b];
                }
                expected += sq / (in * out) + bb / out;
            }
            assertEquals(lt * expected, f.penalty(i, lt), 1e-12, "record " + i);
        }
        // the backward with a zero output gradient leaves the penalty's gradient alone
        Nd4j.getRandom().setSeed(9);
        LowRankPass pass = new LowRankPass(net, RECORDS);
        pass.setInput(Nd4j.randn(DataType.DOUBLE, RECORDS, 3));
        pass.forward(f);
        pass.outputGradient().assign(0.0);
        pass.backward(f, lt, null);
        double[] g = f.gradients().clone();
        double[] p = f.values();
        for (int j = 0; j < p.length; j++) {
            double orig = p[j];
            p[j] = orig + H;
            double up = total(f, lt);
            p[j] = orig - H;
            double down = total(f, lt);
            p[j] = orig;
            assertEquals((up - down) / (2 * H), g[j], 1e-7, "parameter " + j);
        }
    }

    private static double total(LowRankFactors f, double lt) {
        double s = 0;
        for (int i = 0; i < RECORDS; i++) {
            s += f.penalty(i, lt);
        }
        return s;
    }

    @Test
    void resetStartsEveryRecordAtTheTrainedWeights() {
        DenseStack net = decoderLike();
        LowRankFactors f = randomFactors(net, 7);
        f.reset();
        Nd4j.getRandom().setSeed(8);
        INDArray z = Nd4j.randn(DataType.DOUBLE, RECORDS, 3);
        LowRankPass pass = new LowRankPass(net, RECORDS);
        pass.setInput(z);
        INDArray x = pass.forward(f);
        INDArray expected = new StackPass(net, RECORDS).forward(net, z);
        assertEquals(0.0, x.sub(expected).amaxNumber().doubleValue(), 1e-14);
        for (int i = 0; i < RECORDS; i++) {
            assertEquals(0.0, f.penalty(i, 1.0), 0.0);
        }
    }
}
