package io.csflow.core.learn;

import io.csflow.core.nn.DenseStack;
import io.csflow.core.nn.StackPass;
import io.csflow.core.operator.MeasurementOperator;
import io.csflow.core.operator.OperatorSpec;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A task's loss over a mini-batch and its gradient with respect to every decoder weight, the latents held
 * fixed: per example (1/m) ||y - A g(z; theta)||^2 (measurement consistency) or, when the example has a
 * truth x, ||g(z; theta) - x||^2 / n; the task loss is the mean over the mini-batch.
 *
 * <p>Examples are ordered truth first, then grouped by operator spec, so each operator costs one forward and
 * one adjoint product per call. The decoder may be float or double (gradient checks); the operator products
 * run in float, as the operators store A in float. Buffers are reused while the batch size stays the same.
 * Not thread-safe.
 */
public final class TaskLoss {

    /** The loss and, when asked for, the flat gradient (layout of {@link FlatWeights#layoutOf}). */
    public record Result(double loss, float[] gradient, int examples) {
    }

    private final FlatWeights layout;
    private final DenseStack grads;
    private StackPass pass;

    /** @param template a stack of the decoder's shape and type (its values are not used) */
    public TaskLoss(DenseStack template) {
        this.layout = FlatWeights.layoutOf(template);
        this.grads = template.zerosLike();
    }

    public FlatWeights layout() {
        return layout;
    }

    /** The loss and its gradient w.r.t. all weights of decoder. */
    public Result evaluate(DenseStack decoder, List<TrainingExample> batch) {
        return run(decoder, batch, true);
    }

    /** The loss only (no backward pass). */
    public double loss(DenseStack decoder, List<TrainingExample> batch) {
        return run(decoder, batch, false).loss();
    }

    private Result run(DenseStack decoder, List<TrainingExample> batch, boolean gradient) {
        if (batch.isEmpty()) {
            throw new IllegalArgumentException("cannot evaluate a task loss on an empty mini-batch");
        }
        int b = batch.size();
        int latent = decoder.inputSize();
        int n = decoder.outputSize();
        DataType type = decoder.weight(0).dataType();

        // truth examples first, then one contiguous block per operator spec
        List<TrainingExample> truths = new ArrayList<>();
        Map<OperatorSpec, List<TrainingExample>> groups = new LinkedHashMap<>();
        for (TrainingExample e : batch) {
            if (e.z().length != latent) {
                throw new IllegalArgumentException("example of sensor " + e.sensorId() + " has a latent of "
                        + e.z().length + " but the decoder takes " + latent);
            }
            if (e.operator().n() != n) {
                throw new IllegalArgumentException("example of sensor " + e.sensorId() + ": operator "
                        + e.operator().spec() + " has n=" + e.operator().n() + " but the decoder writes " + n);
            }
            if (e.hasTruth()) {
                truths.add(e);
            } else {
                groups.computeIfAbsent(e.operator().spec(), k -> new ArrayList<>()).add(e);
            }
        }
        List<TrainingExample> ordered = new ArrayList<>(truths);
        groups.values().forEach(ordered::addAll);

        float[] zFlat = new float[b * latent];
        for (int i = 0; i < b; i++) {
            System.arraycopy(ordered.get(i).z(), 0, zFlat, i * latent, latent);
        }
        INDArray z = cast(Nd4j.create(zFlat, new long[]{b, latent}, 'c'), type);
        if (pass == null || pass.batch() != b || pass.outputGradient().dataType() != type) {
            pass = new StackPass(decoder, b);
        }
        INDArray x = pass.forward(decoder, z);
        INDArray dX = gradient ? pass.outputGradient() : null;

        double total = 0;
        int row = 0;
        if (!truths.isEmpty()) {
            int t = truths.size();
            float[] tFlat = new float[t * n];
            for (int i = 0; i < t; i++) {
                System.arraycopy(truths.get(i).truth(), 0, tFlat, i * n, n);
            }
            INDArray diff = rows(x, 0, t, b).sub(cast(Nd4j.create(tFlat, new long[]{t, n}, 'c'), type));
            total += diff.mul(diff).sumNumber().doubleValue() / n;
            if (gradient) {
                rows(dX, 0, t, b).assign(diff.muli(2.0 / ((double) n * b)));
            }
            row = t;
        }
        for (List<TrainingExample> g : groups.values()) {
            MeasurementOperator op = g.get(0).operator();
            int k = g.size();
            int m = op.m();
            float[] yFlat = new float[k * m];
            for (int i = 0; i < k; i++) {
                System.arraycopy(g.get(i).y(), 0, yFlat, i * m, m);
            }
            INDArray xBlock = rows(x, row, row + k, b);
            INDArray xf = type == DataType.FLOAT && !xBlock.isView() ? xBlock : xBlock.castTo(DataType.FLOAT).dup('c');
            INDArray r = Nd4j.create(DataType.FLOAT, k, m);
            op.forward(xf, r);
            r.subi(Nd4j.create(yFlat, new long[]{k, m}, 'c'));
            total += r.castTo(DataType.DOUBLE).mul(r.castTo(DataType.DOUBLE)).sumNumber().doubleValue() / m;
            if (gradient) {
                INDArray back = Nd4j.create(DataType.FLOAT, k, n);
                op.adjoint(r.muli(2.0 / ((double) m * b)), back);
                rows(dX, row, row + k, b).assign(cast(back, type));
            }
            row += k;
        }
        double loss = total / b;
        if (!gradient) {
            return new Result(loss, null, b);
        }
        pass.backward(decoder, z, grads);
        return new Result(loss, layout.flatten(grads), b);
    }

    private static INDArray rows(INDArray m, int from, int to, int total) {
        if (from == 0 && to == total) {
            return m;
        }
        return m.get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
    }

    private static INDArray cast(INDArray a, DataType type) {
        return a.dataType() == type ? a : a.castTo(type);
    }
}
