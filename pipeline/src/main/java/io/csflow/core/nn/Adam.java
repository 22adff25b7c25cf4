package io.csflow.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;
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
    private final FloatView[] paramViews;
    private final FloatView[] firstViews;
    private final FloatView[] secondViews;
    // the last gradients' views: a solver passes the same gradient buffers every step
    private final INDArray[] lastGradients;
    private final FloatView[] gradientViews;
    private final double lr;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private int step;

    /**
     * The checks PyTorch's Adam makes, with its messages; shared by every Adam of the project (this one,
     * the trainer's AdamOptimizer, the low-rank theta stage's FactorAdam).
     */
    public static void checkHyperparameters(double lr, double beta1, double beta2, double epsilon) {
        if (!(lr > 0) || !Double.isFinite(lr)) {
            throw new IllegalArgumentException("Invalid learning rate: " + lr);
        }
        if (!(beta1 >= 0 && beta1 < 1)) {
            throw new IllegalArgumentException("Invalid beta parameter at index 0: " + beta1);
        }
        if (!(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("Invalid beta parameter at index 1: " + beta2);
        }
        if (!(epsilon > 0) || !Double.isFinite(epsilon)) {
            throw new IllegalArgumentException("Invalid epsilon value: " + epsilon);
        }
    }

    public Adam(List<INDArray> params, double lr, double beta1, double beta2, double epsilon) {
        checkHyperparameters(lr, beta1, beta2, epsilon);
        this.params = List.copyOf(params);
        for (INDArray p : params) {
            firstMoments.add(Nd4j.zeros(p.dataType(), p.shape()));
            secondMoments.add(Nd4j.zeros(p.dataType(), p.shape()));
        }
        int count = this.params.size();
        paramViews = new FloatView[count];
        firstViews = new FloatView[count];
        secondViews = new FloatView[count];
        lastGradients = new INDArray[count];
        gradientViews = new FloatView[count];
        for (int i = 0; i < count; i++) {
            paramViews[i] = FloatView.of(this.params.get(i));
            firstViews[i] = FloatView.of(firstMoments.get(i));
            secondViews[i] = FloatView.of(secondMoments.get(i));
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
            if (g != lastGradients[i]) {
                lastGradients[i] = g;
                gradientViews[i] = FloatView.of(g);
            }
            FloatView gv = gradientViews[i];
            if (gv.floats() != null && paramViews[i].floats() != null && firstViews[i].floats() != null
                    && gv.length() == paramViews[i].length()) {
                hostStep(paramViews[i].floats(), gv.floats(), firstViews[i].floats(), secondViews[i].floats(),
                        gv.length(), lr, beta1, beta2, epsilon, step);
            } else {
                INDArray v = secondMoments.get(i);
                INDArray m = firstMoments.get(i);
                Nd4j.exec(new AdamUpdater(g, v, m, g, v, m, lr, beta1, beta2, epsilon, step));
                params.get(i).subi(g);
            }
        }
        step++;
    }

    /**
     * ND4J's AdamUpdater and the parameter update in one Java pass over host memory: same formula (the
     * bias corrections folded into the step size, epsilon added to sqrt(v)), no JNI call and one pass
     * instead of two, which matters for z (a 64 x 20 update costs ~30-140 us as ND4J ops).
     */
    private static void hostStep(FloatBuffer p, FloatBuffer g, FloatBuffer m, FloatBuffer v, int n,
                                 double lr, double beta1, double beta2, double epsilon, int step) {
        double stepSize = lr * Math.sqrt(1 - Math.pow(beta2, step + 1)) / (1 - Math.pow(beta1, step + 1));
        if (!Double.isFinite(stepSize) || stepSize == 0) {
            stepSize = epsilon;
        }
        float a = (float) stepSize;
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        float c1 = (float) (1 - beta1);
        float c2 = (float) (1 - beta2);
        float eps = (float) epsilon;
        for (int i = 0; i < n; i++) {
            float gi = g.get(i);
            float mi = b1 * m.get(i) + c1 * gi;
            float vi = b2 * v.get(i) + c2 * gi * gi;
            float update = a * mi / ((float) Math.sqrt(vi) + eps);
            m.put(i, mi);
            v.put(i, vi);
            g.put(i, update);
            p.put(i, p.get(i) - update);
        }
    }

    /**
     * One Adam step (ND4J AdamUpdater's formula, {@code step} counted from 0) on a parameter array whose moments
     * the caller keeps, in one Java pass when all four arrays live in host memory, else as ND4J ops. For
     * optimisers that reshape their state between steps (the z stage drops rows that stopped improving).
     * The gradient is consumed: overwritten with the applied update.
     */
    public static void step(FloatView params, FloatView gradient, FloatView first, FloatView second,
                            double lr, double beta1, double beta2, double epsilon, int step) {
        if (params.floats() != null && gradient.floats() != null && first.floats() != null
                && second.floats() != null && gradient.length() == params.length()) {
            hostStep(params.floats(), gradient.floats(), first.floats(), second.floats(), gradient.length(),
                    lr, beta1, beta2, epsilon, step);
            return;
        }
        INDArray g = gradient.array();
        Nd4j.exec(new AdamUpdater(g, second.array(), first.array(), g, second.array(), first.array(), lr, beta1,
                beta2, epsilon, step));
        params.array().subi(g);
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
