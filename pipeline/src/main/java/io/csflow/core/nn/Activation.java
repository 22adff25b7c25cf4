package io.csflow.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Exp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Log1p;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.api.ops.impl.transforms.strict.SoftPlus;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;

/**
 * Element-wise activations writing into caller-owned buffers, no temporaries.
 *
 * <p>Cost model (one thread, 64 x 500 floats, CPU time): ND4J transforms SoftPlus ~150 us, Sigmoid ~85 us,
 * Exp ~75 us, Log1p ~95 us; ND4J's gradient ops SoftPlusBp and SigmoidDerivative are custom ops costing
 * 0.6-1.4 ms; a Java pass over host memory ~15 us. So: softplus takes e = exp(a) once and derives both
 * log1p(e) and its derivative e / (1 + e) from it in the forward pass, and every backward is one Java
 * product (sigmoid' from the forward output). With the Vector API ({@link VectorSupport}) the forwards run
 * as {@link VectorActivations} on Java copies of the buffers instead (softplus with its derivative ~30 us,
 * sigmoid ~18 us for 64 x 500, against ~185 and ~85 us through ND4J), bit for bit the same in every JIT tier.
 */
public enum Activation {
    SOFTPLUS {
        @Override
        public boolean derivativeInForward() {
            return true;
        }

        @Override
        public void forward(FloatView pre, FloatView out, FloatView deriv) {
            if (VectorSupport.enabled() && pre.floats() != null && out.floats() != null
                    && (deriv == null || deriv.floats() != null)) {
                VectorActivations.softplus(pre.copyToHeap(), out.heap(), deriv == null ? null : deriv.heap(),
                        out.length());
                out.copyFromHeap();
                if (deriv != null) {
                    deriv.copyFromHeap();
                }
                return;
            }
            if (out.floats() == null || pre.floats() == null || deriv == null || deriv.floats() == null) {
                Nd4j.exec(new SoftPlus(pre.array(), out.array()));
                if (deriv != null) {
                    Nd4j.exec(new Sigmoid(pre.array(), deriv.array()));
                }
                return;
            }
            Nd4j.exec(new Exp(pre.array(), out.array()));
            if (sigmoidFromExp(out.floats(), deriv.floats(), out.length())) {
                Nd4j.exec(new Log1p(out.array(), out.array()));
                overflowToIdentity(pre.floats(), out.floats(), out.length());
            } else {
                Nd4j.exec(new Log1p(out.array(), out.array()));
            }
        }

        @Override
        public void backward(FloatView pre, FloatView out, FloatView deriv, FloatView dOut, FloatView dPre) {
            if (deriv == null) {
                // softplus'(a) = sigmoid(a)
                Nd4j.exec(new Sigmoid(pre.array(), dPre.array()));
                Elementwise.multiply(dPre, dOut, dPre);
            } else {
                Elementwise.multiply(deriv, dOut, dPre);
            }
        }
    },
    SIGMOID {
        @Override
        public void forward(FloatView pre, FloatView out, FloatView deriv) {
            if (VectorSupport.enabled() && pre.floats() != null && out.floats() != null) {
                VectorActivations.sigmoid(pre.copyToHeap(), out.heap(), out.length());
                out.copyFromHeap();
                return;
            }
            Nd4j.exec(new Sigmoid(pre.array(), out.array()));
        }

        @Override
        public void backward(FloatView pre, FloatView out, FloatView deriv, FloatView dOut, FloatView dPre) {
            Elementwise.sigmoidBackward(out, dOut, dPre);
        }
    },
    IDENTITY {
        @Override
        public void forward(FloatView pre, FloatView out, FloatView deriv) {
            if (out.array() != pre.array()) {
                out.array().assign(pre.array());
            }
        }

        @Override
        public void backward(FloatView pre, FloatView out, FloatView deriv, FloatView dOut, FloatView dPre) {
            if (dPre.array() != dOut.array()) {
                dPre.array().assign(dOut.array());
            }
        }
    };

    /** Whether {@link #forward} fills a derivative buffer that {@link #backward} then uses (else pass null). */
    public boolean derivativeInForward() {
        return false;
    }

    /**
     * out := f(pre), and deriv := f'(pre) when {@link #derivativeInForward()} (deriv may be null: backward
     * then recomputes it). out must not alias pre.
     */
    public abstract void forward(FloatView pre, FloatView out, FloatView deriv);

    /**
     * dPre := f'(pre) * dOut, with out and deriv as the forward pass left them; dPre must not alias pre, out,
     * deriv or dOut (except for IDENTITY, where it may be dOut).
     */
    public abstract void backward(FloatView pre, FloatView out, FloatView deriv, FloatView dOut, FloatView dPre);

    /** out := f(pre) for plain arrays (makes views per call: loops keep views and use the other form). */
    public void forward(INDArray pre, INDArray out) {
        FloatView p = FloatView.of(pre);
        forward(p, out == pre ? p : FloatView.of(out), null);
    }

    /** dPre := f'(pre) * dOut for plain arrays, without a stored derivative (makes views per call). */
    public void backward(INDArray pre, INDArray out, INDArray dOut, INDArray dPre) {
        FloatView d = FloatView.of(dOut);
        backward(FloatView.of(pre), FloatView.of(out), null, d, dPre == dOut ? d : FloatView.of(dPre));
    }

    /** s := e / (1 + e) from e = exp(a); true when some e overflowed (a > ~88), where s is set to 1. */
    private static boolean sigmoidFromExp(FloatBuffer e, FloatBuffer s, int n) {
        boolean overflow = false;
        for (int i = 0; i < n; i++) {
            float v = e.get(i);
            if (v == Float.POSITIVE_INFINITY) {
                s.put(i, 1f);
                overflow = true;
            } else {
                s.put(i, v / (1f + v));
            }
        }
        return overflow;
    }

    /** softplus(a) = a where exp(a) overflowed (log1p gave +inf); exact in float for such a. */
    private static void overflowToIdentity(FloatBuffer pre, FloatBuffer out, int n) {
        for (int i = 0; i < n; i++) {
            if (out.get(i) == Float.POSITIVE_INFINITY) {
                out.put(i, pre.get(i));
            }
        }
    }
}
