package io.csflow.core.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The weights of a fully connected network in row-vector convention: layer l maps a batch
 * H (B x in) to act_l(H W_l + b_l) with W_l (in x out) and b_l (1 x out).
 *
 * <p>The same shape doubles as a gradient container ({@link #zerosLike()}), so optimisers and
 * the online learner treat weights and gradients alike, as a list of tensors.
 */
public final class DenseStack {

    private final INDArray[] weights;
    private final INDArray[] biases;
    private final Activation[] activations;
    // Java views of the biases for the forward pass's bias add, made on first use (a benign race: views of
    // the same memory); the bias arrays are only ever updated in place, so the views stay valid
    private volatile FloatView[] biasViews;

    public DenseStack(INDArray[] weights, INDArray[] biases, Activation[] activations) {
        if (weights.length == 0 || weights.length != biases.length || weights.length != activations.length) {
            throw new IllegalArgumentException("a dense stack needs as many weights, biases and activations, got "
                    + weights.length + ", " + biases.length + ", " + activations.length);
        }
        for (int l = 0; l < weights.length; l++) {
            long out = weights[l].columns();
            if (biases[l].rank() != 2 || biases[l].rows() != 1 || biases[l].columns() != out) {
                throw new IllegalArgumentException("layer " + l + ": bias shape " + Arrays.toString(biases[l].shape())
                        + " does not match weight shape " + Arrays.toString(weights[l].shape()));
            }
            if (l > 0 && weights[l].rows() != weights[l - 1].columns()) {
                throw new IllegalArgumentException("layer " + l + " takes " + weights[l].rows()
                        + " inputs but layer " + (l - 1) + " gives " + weights[l - 1].columns());
            }
        }
        this.weights = weights;
        this.biases = biases;
        this.activations = activations;
    }

    /** Xavier (Glorot) uniform initialisation with zero biases, from a seeded ND4J stream. */
    public static DenseStack xavier(int[] sizes, Activation hidden, Activation last, long seed) {
        int layers = sizes.length - 1;
        INDArray[] w = new INDArray[layers];
        INDArray[] b = new INDArray[layers];
        Activation[] a = new Activation[layers];
        Nd4j.getRandom().setSeed(seed);
        for (int l = 0; l < layers; l++) {
            double limit = Math.sqrt(6.0 / (sizes[l] + sizes[l + 1]));
            w[l] = Nd4j.rand(DataType.FLOAT, sizes[l], sizes[l + 1]).muli(2 * limit).subi(limit);
            b[l] = Nd4j.zeros(DataType.FLOAT, 1, sizes[l + 1]);
            a[l] = l == layers - 1 ? last : hidden;
        }
        return new DenseStack(w, b, a);
    }

    public int layers() {
        return weights.length;
    }

    public int inputSize() {
        return (int) weights[0].rows();
    }

    public int outputSize() {
        return (int) weights[weights.length - 1].columns();
    }

    public int width(int layer) {
        return (int) weights[layer].columns();
    }

    public INDArray weight(int l) {
        return weights[l];
    }

    public INDArray bias(int l) {
        return biases[l];
    }

    /** The bias of layer l with its Java view (see {@link FloatView}). */
    public FloatView biasView(int l) {
        FloatView[] views = biasViews;
        if (views == null) {
            views = new FloatView[biases.length];
            for (int i = 0; i < biases.length; i++) {
                views[i] = FloatView.of(biases[i]);
            }
            biasViews = views;
        }
        return views[l];
    }

    public Activation activation(int l) {
        return activations[l];
    }

    /** All tensors, weights and biases interleaved (W0, b0, W1, b1, ...): the optimiser's view. */
    public List<INDArray> tensors() {
        List<INDArray> all = new ArrayList<>(2 * weights.length);
        for (int l = 0; l < weights.length; l++) {
            all.add(weights[l]);
            all.add(biases[l]);
        }
        return all;
    }

    public long parameterCount() {
        long count = 0;
        for (INDArray t : tensors()) {
            count += t.length();
        }
        return count;
    }

    public DenseStack zerosLike() {
        INDArray[] w = new INDArray[weights.length];
        INDArray[] b = new INDArray[weights.length];
        for (int l = 0; l < weights.length; l++) {
            w[l] = Nd4j.zeros(weights[l].dataType(), weights[l].shape());
            b[l] = Nd4j.zeros(biases[l].dataType(), biases[l].shape());
        }
        return new DenseStack(w, b, activations.clone());
    }

    public DenseStack dup() {
        INDArray[] w = new INDArray[weights.length];
        INDArray[] b = new INDArray[weights.length];
        for (int l = 0; l < weights.length; l++) {
            w[l] = weights[l].dup();
            b[l] = biases[l].dup();
        }
        return new DenseStack(w, b, activations.clone());
    }

    /** A copy in another floating-point type (tests check gradients in double precision). */
    public DenseStack castTo(DataType type) {
        INDArray[] w = new INDArray[weights.length];
        INDArray[] b = new INDArray[weights.length];
        for (int l = 0; l < weights.length; l++) {
            w[l] = weights[l].castTo(type).dup();
            b[l] = biases[l].castTo(type).dup();
        }
        return new DenseStack(w, b, activations.clone());
    }

    /** Overwrites this stack's values with other's (same shapes). */
    public void assign(DenseStack other) {
        for (int l = 0; l < weights.length; l++) {
            weights[l].assign(other.weights[l]);
            biases[l].assign(other.biases[l]);
        }
    }

    public boolean allFinite() {
        for (INDArray t : tensors()) {
            double s = t.sumNumber().doubleValue();
            if (!Double.isFinite(s)) {
                return false;
            }
        }
        return true;
    }
}
