package io.csflow.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.SigmoidDerivative;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.SoftPlusBp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.api.ops.impl.transforms.strict.SoftPlus;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Element-wise activations with fused forward and backward kernels. Each call is one native op
 * writing into a caller-owned buffer: element-wise work, not the matrix products, dominates a
 * small MLP's cost, so no temporaries are made here.
 */
public enum Activation {
    SOFTPLUS {
        @Override
        public void forward(INDArray pre, INDArray out) {
            Nd4j.exec(new SoftPlus(pre, out));
        }

        @Override
        public void backward(INDArray pre, INDArray out, INDArray dOut, INDArray dPre) {
            // softplus'(a) = sigmoid(a)
            Nd4j.exec(new SoftPlusBp(pre, dOut, dPre));
        }
    },
    SIGMOID {
        @Override
        public void forward(INDArray pre, INDArray out) {
            Nd4j.exec(new Sigmoid(pre, out));
        }

        @Override
        public void backward(INDArray pre, INDArray out, INDArray dOut, INDArray dPre) {
            Nd4j.exec(new SigmoidDerivative(pre, dOut, dPre));
        }
    },
    IDENTITY {
        @Override
        public void forward(INDArray pre, INDArray out) {
            if (out != pre) {
                out.assign(pre);
            }
        }

        @Override
        public void backward(INDArray pre, INDArray out, INDArray dOut, INDArray dPre) {
            if (dPre != dOut) {
                dPre.assign(dOut);
            }
        }
    };

    /** out := f(pre). */
    public abstract void forward(INDArray pre, INDArray out);

    /** dPre := f'(pre) * dOut. */
    public abstract void backward(INDArray pre, INDArray out, INDArray dOut, INDArray dPre);
}
