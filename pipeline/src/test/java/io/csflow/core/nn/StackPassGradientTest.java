package io.csflow.core.nn;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hand-written backward pass against central finite differences, in double precision. */
class StackPassGradientTest {

    private static final double H = 1e-6;

    /** loss = sum(c .* g(z)) for a fixed random c, so dLoss/dOutput = c. */
    private static double loss(DenseStack net, INDArray z, INDArray c) {
        StackPass pass = new StackPass(net, (int) z.rows());
        return pass.forward(net, z).mul(c).sumNumber().doubleValue();
    }

    private static DenseStack decoderLike() {
        return DenseStack.xavier(new int[]{3, 7, 6, 5}, Activation.SOFTPLUS, Activation.SIGMOID, 11)
                .castTo(DataType.DOUBLE);
    }

    @Test
    void inputGradientMatchesFiniteDifferences() {
        DenseStack net = decoderLike();
        Nd4j.getRandom().setSeed(5);
        INDArray z = Nd4j.randn(DataType.DOUBLE, 4, 3);
        INDArray c = Nd4j.randn(DataType.DOUBLE, 4, 5);
        StackPass pass = new StackPass(net, 4);
        pass.forward(net, z);
        pass.outputGradient().assign(c);
        INDArray dz = pass.backward(net, z, null).dup();
        for (int i = 0; i < z.length(); i++) {
            double orig = z.getDouble(i);
            z.putScalar(i, orig + H);
            double up = loss(net, z, c);
            z.putScalar(i, orig - H);
            double down = loss(net, z, c);
            z.putScalar(i, orig);
            assertEquals((up - down) / (2 * H), dz.getDouble(i), 1e-7, "dLoss/dz[" + i + "]");
        }
    }

    @Test
    void weightGradientsMatchFiniteDifferences() {
        DenseStack net = decoderLike();
        Nd4j.getRandom().setSeed(6);
        INDArray z = Nd4j.randn(DataType.DOUBLE, 4, 3);
        INDArray c = Nd4j.randn(DataType.DOUBLE, 4, 5);
        DenseStack grads = net.zerosLike();
        StackPass pass = new StackPass(net, 4);
        pass.forward(net, z);
        pass.outputGradient().assign(c);
        pass.backward(net, z, grads);
        List<INDArray> params = net.tensors();
        List<INDArray> g = grads.tensors();
        for (int t = 0; t < params.size(); t++) {
            INDArray p = params.get(t);
            for (int i = 0; i < p.length(); i++) {
                double orig = p.getDouble(i);
                p.putScalar(i, orig + H);
                double up = loss(net, z, c);
                p.putScalar(i, orig - H);
                double down = loss(net, z, c);
                p.putScalar(i, orig);
                assertEquals((up - down) / (2 * H), g.get(t).getDouble(i), 1e-7, "tensor " + t + " entry " + i);
            }
        }
    }

    @Test
    void skippingTheInputGradientKeepsWeightGradients() {
        DenseStack net = decoderLike();
        INDArray z = Nd4j.randn(DataType.DOUBLE, 2, 3);
        StackPass pass = new StackPass(net, 2);
        DenseStack full = net.zerosLike();
        DenseStack partial = net.zerosLike();
        pass.forward(net, z);
        pass.outputGradient().assign(1.0);
        pass.backward(net, z, full);
        pass.forward(net, z);
        pass.outputGradient().assign(1.0);
        int last = net.layers() - 1;
        net.activation(last).backward(pass.outputPreActivation(), pass.output(), pass.outputGradient(),
                pass.outputPreActivationGradient());
        assertNull(pass.backwardFromPreActivation(net, z, partial, false));
        for (int t = 0; t < full.tensors().size(); t++) {
            assertTrue(full.tensors().get(t).equalsWithEps(partial.tensors().get(t), 1e-12), "tensor " + t);
        }
    }

    @Test
    void adamMatchesTheTextbookUpdate() {
        INDArray w = Nd4j.createFromArray(new float[]{1f, -2f, 0.5f}).reshape(1, 3);
        double lr = 0.1;
        double b1 = 0.9;
        double b2 = 0.999;
        double eps = 1e-8;
        Adam adam = new Adam(List.of(w), lr, b1, b2, eps);
        double[] ref = {1, -2, 0.5};
        double[] m = new double[3];
        double[] v = new double[3];
        for (int t = 1; t <= 3; t++) {
            double[] grad = {2 * ref[0], Math.sin(ref[1]), ref[2] * ref[2]};
            INDArray g = Nd4j.createFromArray(new float[]{(float) grad[0], (float) grad[1], (float) grad[2]}).reshape(1, 3);
            adam.step(List.of(g));
            for (int i = 0; i < 3; i++) {
                m[i] = b1 * m[i] + (1 - b1) * grad[i];
                v[i] = b2 * v[i] + (1 - b2) * grad[i] * grad[i];
                double mh = m[i] / (1 - Math.pow(b1, t));
                double vh = v[i] / (1 - Math.pow(b2, t));
                ref[i] -= lr * mh / (Math.sqrt(vh) + eps);
            }
            for (int i = 0; i < 3; i++) {
                assertEquals(ref[i], w.getDouble(i), 1e-5, "step " + t + " entry " + i);
            }
        }
    }
}
