package io.csflow.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

/**
 * Adam (Kingma and Ba, 2015) over a fixed list of tensors, updated in place.
 *
 * <p>Each tensor's update is one fused native op (moments, bias correction and step), so a step
 * costs two passes over the parameters however many there are. Moments are zeroed by {@link #reset()},
 * which lets a solver reuse one optimiser for every batch without reallocating.
 */
public final class Adam {

    private final List<INDArray> params;
    private final List<INDArray> firstMoments = new ArrayList<>();
    private final List<INDArray> secondMoments = new ArrayList<>();
    private final double lr;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private int step;

    public Adam(List<INDArray> params, double lr, double beta1, double beta2, double epsilon) {
        if (!(lr > 0) || !Double.isFinite(lr)) {
            throw new IllegalArgumentException("Invalid learning rate: " + lr);
        }
        if (!(beta1 >= 0 && beta1 < 1)) {
            throw new IllegalArgumentException("Invalid beta parameter at index 0: " + beta1);
        }
        if (!(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("Invalid beta parameter at index 1: " + beta2);
        }
        if (!(epsilon > 0)) {
            throw new IllegalArgumentException("Invalid epsilon value: " + epsilon);
        }
        this.params = List.copyOf(params);
        for (INDArray p : params) {
            firstMoments.add(Nd4j.zeros(p.dataType(), p.shape()));
            secondMoments.add(Nd4j.zeros(p.dataType(), p.shape()));
        }
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
    }

    public static Adam withDefaults(List<INDArray> params, double lr) {
        return new Adam(params, lr, 0.9, 0.999, 1e-8);
    }

    /**
     * Takes one step. The gradients are consumed: each is overwritten with the applied update.
     */
    public void step(List<INDArray> gradients) {
        if (gradients.size() != params.size()) {
            throw new IllegalArgumentException("Adam holds " + params.size() + " tensors but got "
                    + gradients.size() + " gradients");
        }
        for (int i = 0; i < params.size(); i++) {
            INDArray g = gradients.get(i);
            INDArray v = secondMoments.get(i);
            INDArray m = firstMoments.get(i);
            Nd4j.exec(new AdamUpdater(g, v, m, g, v, m, lr, beta1, beta2, epsilon, step));
            params.get(i).subi(g);
        }
        step++;
    }

    /** Forgets the moments and the step count. */
    public void reset() {
        for (INDArray m : firstMoments) {
            m.assign(0);
        }
        for (INDArray v : secondMoments) {
            v.assign(0);
        }
        step = 0;
    }

    public int steps() {
        return step;
    }
}
