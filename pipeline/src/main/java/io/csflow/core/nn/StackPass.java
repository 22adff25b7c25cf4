package io.csflow.core.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Forward and backward passes of a {@link DenseStack} for a fixed batch size, with every
 * activation and gradient buffer allocated once. A solver keeps one pass per batch and calls it
 * every iteration: nothing is allocated inside the loop.
 *
 * <p>Not thread-safe; the weights may change between calls (the theta stage updates them in place).
 */
public final class StackPass {

    private final int batch;
    private final INDArray[] pre;
    private final INDArray[] post;
    private final INDArray[] dPost;
    private final INDArray[] dPre;
    // the same buffers with their Java views, for the element-wise steps (Elementwise)
    private final FloatView[] preView;
    private final FloatView[] postView;
    private final FloatView[] dPostView;
    private final FloatView[] dPreView;
    // f'(pre) per layer where the activation computes it in the forward pass (softplus), else null
    private final FloatView[] derivView;
    private final INDArray dInput;
    private final FloatView dInputView;
    private final INDArray ones;

    public StackPass(DenseStack shape, int batch) {
        if (batch <= 0) {
            throw new IllegalArgumentException("batch size must be positive, got " + batch);
        }
        this.batch = batch;
        int layers = shape.layers();
        DataType type = shape.weight(0).dataType();
        pre = new INDArray[layers];
        post = new INDArray[layers];
        dPost = new INDArray[layers];
        dPre = new INDArray[layers];
        preView = new FloatView[layers];
        postView = new FloatView[layers];
        dPostView = new FloatView[layers];
        dPreView = new FloatView[layers];
        derivView = new FloatView[layers];
        for (int l = 0; l < layers; l++) {
            int w = shape.width(l);
            pre[l] = Nd4j.create(type, batch, w);
            post[l] = shape.activation(l) == Activation.IDENTITY ? pre[l] : Nd4j.create(type, batch, w);
            dPost[l] = Nd4j.create(type, batch, w);
            dPre[l] = shape.activation(l) == Activation.IDENTITY ? dPost[l] : Nd4j.create(type, batch, w);
            preView[l] = FloatView.of(pre[l]);
            postView[l] = post[l] == pre[l] ? preView[l] : FloatView.of(post[l]);
            dPostView[l] = FloatView.of(dPost[l]);
            dPreView[l] = dPre[l] == dPost[l] ? dPostView[l] : FloatView.of(dPre[l]);
            derivView[l] = shape.activation(l).derivativeInForward() ? FloatView.of(Nd4j.create(type, batch, w)) : null;
        }
        dInput = Nd4j.create(type, batch, shape.inputSize());
        dInputView = FloatView.of(dInput);
        ones = Nd4j.ones(type, 1, batch);
    }

    public int batch() {
        return batch;
    }

    /** The buffer {@link #backward} returns dLoss/dInput in, with its Java view (made once). */
    public FloatView inputGradientView() {
        return dInputView;
    }

    /** Runs the stack on input (B x in) and returns the output buffer (B x out), valid until the next call. */
    public INDArray forward(DenseStack net, INDArray input) {
        INDArray h = input;
        for (int l = 0; l < net.layers(); l++) {
            Nd4j.gemm(h, net.weight(l), pre[l], false, false, 1.0, 0.0);
            Elementwise.addRowVector(preView[l], net.biasView(l));
            net.activation(l).forward(preView[l], postView[l], derivView[l]);
            h = post[l];
        }
        return h;
    }

    /** The output buffer of the last forward call. */
    public INDArray output() {
        return post[post.length - 1];
    }

    /** The pre-activation of the last layer in the last forward call (logits for a sigmoid output). */
    public INDArray outputPreActivation() {
        return pre[pre.length - 1];
    }

    /** Buffer the caller fills with dLoss/dOutput before {@link #backward}. */
    public INDArray outputGradient() {
        return dPost[dPost.length - 1];
    }

    /** Buffer the caller may fill with dLoss/dPreActivation of the last layer before {@link #backwardFromPreActivation}. */
    public INDArray outputPreActivationGradient() {
        return dPre[dPre.length - 1];
    }

    /**
     * Back-propagates {@link #outputGradient()} through the last forward pass.
     *
     * @param input the input of that forward pass (needed only for the first layer's weight gradient)
     * @param grads receives dLoss/dWeights (overwritten) or null when only the input gradient is needed,
     *              which skips every weight-gradient product
     * @return dLoss/dInput (B x in), valid until the next call
     */
    public INDArray backward(DenseStack net, INDArray input, DenseStack grads) {
        int last = net.layers() - 1;
        net.activation(last).backward(preView[last], postView[last], derivView[last], dPostView[last],
                dPreView[last]);
        return backwardFromPreActivation(net, input, grads);
    }

    /** As {@link #backward}, starting from {@link #outputPreActivationGradient()} already filled by the caller. */
    public INDArray backwardFromPreActivation(DenseStack net, INDArray input, DenseStack grads) {
        return backwardFromPreActivation(net, input, grads, true);
    }

    /**
     * As {@link #backwardFromPreActivation(DenseStack, INDArray, DenseStack)}; with
     * {@code inputGradient == false} the first layer's input gradient, the largest product when the
     * input is an image, is skipped and null is returned.
     */
    public INDArray backwardFromPreActivation(DenseStack net, INDArray input, DenseStack grads, boolean inputGradient) {
        for (int l = net.layers() - 1; l >= 0; l--) {
            if (l < net.layers() - 1) {
                net.activation(l).backward(preView[l], postView[l], derivView[l], dPostView[l], dPreView[l]);
            }
            if (grads != null) {
                INDArray below = l == 0 ? input : post[l - 1];
                Nd4j.gemm(below, dPre[l], grads.weight(l), true, false, 1.0, 0.0);
                Nd4j.gemm(ones, dPre[l], grads.bias(l), false, false, 1.0, 0.0);
            }
            if (l == 0 && !inputGradient) {
                return null;
            }
            INDArray target = l == 0 ? dInput : dPost[l - 1];
            Nd4j.gemm(dPre[l], net.weight(l), target, false, true, 1.0, 0.0);
        }
        return dInput;
    }
}
