package io.csflow.stream;

import io.csflow.core.operator.MeasurementOperator;
import io.csflow.core.solver.Estimate;
import io.csflow.core.solver.Observation;
import io.csflow.core.solver.Reconstructor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test stand-in for the real solvers: x_hat = clip(A^T y / n, 0, 1), computed per operator group as one batched
 * ND4J product, with the true relative residual. For INPAINT (A A^T = n I) that is the least-norm solution:
 * exact on the kept pixels, 0 elsewhere.
 */
public class AdjointReconstructor implements Reconstructor {

    @Override
    public String method() {
        return "adjoint";
    }

    @Override
    public List<Estimate> reconstruct(List<Observation> batch) {
        Map<MeasurementOperator, List<Integer>> groups = new IdentityHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            groups.computeIfAbsent(batch.get(i).operator(), k -> new ArrayList<>()).add(i);
        }
        Estimate[] out = new Estimate[batch.size()];
        groups.forEach((a, idx) -> {
            int b = idx.size();
            float[][] ys = new float[b][];
            for (int k = 0; k < b; k++) {
                ys[k] = batch.get(idx.get(k)).y();
            }
            INDArray y = Nd4j.create(ys);
            INDArray x = Nd4j.create(DataType.FLOAT, b, a.n());
            a.adjoint(y, x);
            x = x.castTo(DataType.FLOAT).divi(a.n());
            org.nd4j.linalg.ops.transforms.Transforms.min(org.nd4j.linalg.ops.transforms.Transforms.max(x, 0, false),
                    1, false);
            INDArray ax = Nd4j.create(DataType.FLOAT, b, a.m());
            a.forward(x, ax);
            for (int k = 0; k < b; k++) {
                float[] image = x.getRow(k).toFloatVector();
                double yNorm = y.getRow(k).norm2Number().doubleValue();
                double res = y.getRow(k).sub(ax.getRow(k)).norm2Number().doubleValue();
                float rel = (float) (yNorm == 0 ? res : res / yNorm);
                float[] zeros = new float[a.n()];
                out[idx.get(k)] = new Estimate(image, zeros, new float[0], rel, 1, (float) (res * res));
            }
        });
        return Arrays.asList(out);
    }
}
