package io.csflow.core.learn;

import io.csflow.core.nn.Activation;
import io.csflow.core.nn.DenseStack;
import io.csflow.core.operator.MeasurementOperator;
import io.csflow.core.operator.MeasurementOperators;
import io.csflow.core.operator.OperatorSpec;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TaskLoss gradients against central finite differences, and FlatWeights round trips. */
class TaskLossGradientTest {

    private static final int LATENT = 4;
    private static final int N = 30;

    private static DenseStack net(DataType type) {
        DenseStack s = DenseStack.xavier(new int[]{LATENT, 16, 12, N}, Activation.SOFTPLUS, Activation.SIGMOID, 11);
        return type == DataType.FLOAT ? s : s.castTo(type);
    }

    private static float[] gaussian(Random rnd, int k, double scale) {
        float[] v = new float[k];
        for (int i = 0; i < k; i++) {
            v[i] = (float) (rnd.nextGaussian() * scale);
        }
        return v;
    }

    private static float[] uniform(Random rnd, int k) {
        float[] v = new float[k];
        for (int i = 0; i < k; i++) {
            v[i] = rnd.nextFloat();
        }
        return v;
    }

    /** Mixed batch: truth examples and two operator groups, interleaved. */
    private static List<TrainingExample> batch(boolean withMeasurements) {
        Random rnd = new Random(3);
        MeasurementOperator a = MeasurementOperators.create(OperatorSpec.of("gaussian", 5, 8, N));
        MeasurementOperator b = MeasurementOperators.create(OperatorSpec.of("gaussian", 6, 20, N));
        List<TrainingExample> out = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            if (withMeasurements && i % 3 == 1) {
                out.add(new TrainingExample(a, gaussian(rnd, 8, 1), gaussian(rnd, LATENT, 1), null, "a-" + i));
            } else if (withMeasurements && i % 3 == 2) {
                out.add(new TrainingExample(b, gaussian(rnd, 20, 1), gaussian(rnd, LATENT, 1), null, "b-" + i));
            } else {
                out.add(new TrainingExample(a, gaussian(rnd, 8, 1), gaussian(rnd, LATENT, 1), uniform(rnd, N), "t-" + i));
            }
        }
        return out;
    }

    /** Checks random coordinates with non-negligible gradient and the derivative along the gradient. */
    private static void check(DataType type, List<TrainingExample> batch, double eps, double tol) {
        DenseStack net = net(type);
        TaskLoss loss = new TaskLoss(net);
        TaskLoss.Result r = loss.evaluate(net, batch);
        float[] g = r.gradient();
        assertEquals(loss.layout().size(), g.length);
        assertEquals(r.loss(), loss.loss(net, batch), 1e-12 * Math.max(1, r.loss()));
        double max = 0;
        for (float v : g) {
            max = Math.max(max, Math.abs(v));
        }
        FlatWeights layout = loss.layout();
        List<INDArray> ts = net.tensors();
        Random rnd = new Random(17);
        int checked = 0;
        for (int attempt = 0; attempt < 10_000 && checked < 12; attempt++) {
            int p = rnd.nextInt(g.length);
            if (Math.abs(g[p]) < 0.02 * max) {
                continue;
            }
            int t = 0;
            while (layout.offset(t + 1) <= p) {
                t++;
            }
            INDArray tensor = ts.get(t);
            long idx = p - layout.offset(t);
            long cols = tensor.columns();
            double orig = tensor.getDouble(idx / cols, idx % cols);
            tensor.putScalar(idx / cols, idx % cols, orig + eps);
            double up = loss.loss(net, batch);
            tensor.putScalar(idx / cols, idx % cols, orig - eps);
            double down = loss.loss(net, batch);
            tensor.putScalar(idx / cols, idx % cols, orig);
            double fd = (up - down) / (2 * eps);
            assertEquals(fd, g[p], tol * Math.max(Math.abs(fd), 0.02 * max),
                    "coordinate " + layout.describe(p) + ": finite difference " + fd + " vs gradient " + g[p]);
            checked++;
        }
        assertTrue(checked >= 12, "too few coordinates checked: " + checked);
        // directional derivative along the unit gradient: equals ||g||
        double norm = 0;
        for (float v : g) {
            norm += (double) v * v;
        }
        norm = Math.sqrt(norm);
        DenseStack plus = net.dup();
        DenseStack minus = net.dup();
        float[] flat = layout.flatten(net);
        float[] fp = flat.clone();
        float[] fm = flat.clone();
        for (int p = 0; p < flat.length; p++) {
            fp[p] += (float) (eps * g[p] / norm);
            fm[p] -= (float) (eps * g[p] / norm);
        }
        if (type != DataType.FLOAT) {
            // perturb in the stack's own precision
            for (int i = 0; i < ts.size(); i++) {
                INDArray gi = org.nd4j.linalg.factory.Nd4j.create(java.util.Arrays.copyOfRange(g, layout.offset(i),
                        layout.offset(i + 1)), layout.shape(i), 'c').castTo(type).muli(eps / norm);
                plus.tensors().get(i).addi(gi);
                minus.tensors().get(i).subi(gi);
            }
        } else {
            layout.assign(fp, plus);
            layout.assign(fm, minus);
        }
        double dir = (loss.loss(plus, batch) - loss.loss(minus, batch)) / (2 * eps);
        assertEquals(norm, dir, tol * norm, "directional derivative along the gradient");
    }

    @Test
    void truthLossGradientMatchesFiniteDifferencesInDouble() {
        check(DataType.DOUBLE, batch(false), 1e-5, 1e-4);
    }

    @Test
    void mixedBatchGradientMatchesFiniteDifferences() {
        // operator products run in float, so the check tolerates float rounding
        check(DataType.DOUBLE, batch(true), 1e-3, 1e-2);
    }

    @Test
    void floatDecoderGradientMatchesFiniteDifferences() {
        check(DataType.FLOAT, batch(true), 1e-2, 5e-2);
    }

    @Test
    void flatWeightsRoundTrip() {
        DenseStack net = net(DataType.FLOAT);
        FlatWeights layout = FlatWeights.layoutOf(net);
        assertEquals(net.parameterCount(), layout.size());
        assertEquals(6, layout.tensors());
        assertEquals(LATENT * 16, layout.offset(1));
        assertEquals(LATENT * 16 + 16, layout.offset(2));
        float[] flat = layout.flatten(net);
        assertEquals(net.weight(1).getFloat(2, 3), flat[layout.offset(2) + 2 * 12 + 3]);
        assertEquals(net.bias(2).getFloat(0, 7), flat[layout.offset(5) + 7]);
        DenseStack other = layout.build(flat, net);
        assertArrayEquals(flat, layout.flatten(other));
        flat[layout.offset(4) + 5] = 42f;
        layout.assign(flat, other);
        assertEquals(42f, other.weight(2).getFloat(0, 5));
        assertEquals("2.W[5]", layout.describe(layout.offset(4) + 5));
        assertArrayEquals(flat, FlatWeights.layoutOf(net.castTo(DataType.DOUBLE)).flatten(other));
    }
}
