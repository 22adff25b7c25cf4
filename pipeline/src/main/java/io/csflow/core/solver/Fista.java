package io.csflow.core.solver;

import io.csflow.core.operator.Dct2;
import io.csflow.core.operator.MeasurementOperator;
import io.csflow.core.operator.SplitMix64;
import java.util.function.DoubleConsumer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * FISTA (Beck and Teboulle 2009) for min_x (1/2m) ||y - A x||^2 + lambda ||Psi x||_1, run on a whole
 * batch at once: x is B x n, y is B x m, and every step is a batched ND4J op. The objective is
 * separable over records, so solving the batch jointly is solving each record, with one shared
 * stopping rule. Psi is the identity or an orthonormal 2-D DCT, whose l1 prox is Psi^T soft(Psi v).
 */
final class Fista {

    /** The solution (B x n, before any clipping) and the iterations spent. */
    record Result(INDArray x, int iterations) {
    }

    private Fista() {
    }

    /**
     * @param basis     null for Psi = identity, else the orthonormal DCT used as Psi
     * @param lipschitz L = ||A||_2^2 / m, the Lipschitz constant of the gradient of the data term
     * @param objective receives the objective (summed over the batch) after each iteration; null to skip
     *                  (it costs one more forward product per iteration)
     */
    static Result solve(MeasurementOperator op, INDArray y, double lambda, Dct2 basis, double lipschitz,
                        int maxIterations, double tolerance, DoubleConsumer objective) {
        long b = y.rows();
        int n = op.n();
        int m = op.m();
        double gradScale = 1.0 / (lipschitz * m);   // step 1/L times the 1/m of the data term
        double threshold = lambda / lipschitz;
        INDArray x = Nd4j.zeros(DataType.FLOAT, b, n);
        INDArray z = x.dup();
        INDArray residual = Nd4j.create(DataType.FLOAT, b, m);
        INDArray gradient = Nd4j.create(DataType.FLOAT, b, n);
        double t = 1.0;
        int it = 0;
        while (it < maxIterations) {
            it++;
            op.forward(z, residual);
            residual.subi(y);
            op.adjoint(residual, gradient);
            INDArray v = z.sub(gradient.muli(gradScale));
            INDArray next = prox(v, threshold, basis);
            double tNext = (1.0 + Math.sqrt(1.0 + 4.0 * t * t)) / 2.0;
            INDArray step = next.sub(x);
            double change = step.norm2Number().doubleValue();
            double size = next.norm2Number().doubleValue();
            z = next.add(step.muli((t - 1.0) / tNext));
            x = next;
            t = tNext;
            if (objective != null) {
                objective.accept(objective(op, y, x, lambda, basis));
            }
            if (change <= tolerance * Math.max(size, 1e-12)) {
                break;
            }
        }
        return new Result(x, it);
    }

    /** soft(v, tau) = sign(v) max(|v| - tau, 0), in Psi's coefficients. */
    static INDArray prox(INDArray v, double tau, Dct2 basis) {
        if (basis == null) {
            return softThreshold(v, tau);
        }
        return basis.synthesize(softThreshold(basis.analyze(v, 1.0), tau), 1.0);
    }

    static INDArray softThreshold(INDArray v, double tau) {
        INDArray positive = Transforms.relu(v.sub(tau), false);
        INDArray negative = Transforms.relu(v.neg().subi(tau), false);
        return positive.subi(negative);
    }

    /** (1/2m) ||y - A x||^2 + lambda ||Psi x||_1, summed over the batch. */
    static double objective(MeasurementOperator op, INDArray y, INDArray x, double lambda, Dct2 basis) {
        INDArray r = Nd4j.create(DataType.FLOAT, y.rows(), op.m());
        op.forward(x, r);
        r.subi(y);
        double data = r.norm2Number().doubleValue();
        INDArray coeffs = basis == null ? x : basis.analyze(x, 1.0);
        return data * data / (2.0 * op.m()) + lambda * coeffs.norm1Number().doubleValue();
    }

    /**
     * ||A||_2^2 / m by power iteration on A^T A from a fixed pseudo-random start (deterministic), times a
     * small safety margin: an underestimated L makes the step too long and FISTA can diverge.
     */
    static double lipschitz(MeasurementOperator op, int iterations) {
        SplitMix64 rng = new SplitMix64(0x5EEDL);
        float[] start = new float[op.n()];
        for (int i = 0; i < start.length; i++) {
            start[i] = (float) rng.nextGaussian();
        }
        INDArray v = Nd4j.create(start, new long[]{1, op.n()}, 'c');
        v.divi(v.norm2Number());
        INDArray av = Nd4j.create(DataType.FLOAT, 1, op.m());
        INDArray atav = Nd4j.create(DataType.FLOAT, 1, op.n());
        double eig = 0;
        for (int k = 0; k < iterations; k++) {
            op.forward(v, av);
            op.adjoint(av, atav);
            eig = atav.norm2Number().doubleValue();   // ||A^T A v|| with ||v|| = 1
            if (eig == 0) {
                break;
            }
            v = atav.div(eig);
        }
        return 1.02 * eig / op.m();
    }
}
