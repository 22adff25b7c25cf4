package io.csflow.core.solver;

import io.csflow.core.nn.StackPass;
import io.csflow.core.operator.MeasurementOperator;
import io.csflow.core.prior.VaePrior;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** What the solver tests share: latents, the prior's images of them, measurements, the error. */
final class SolverFixtures {

    private SolverFixtures() {
    }

    /** count latents z ~ N(0, I) from ND4J's generator seeded with seed. */
    static INDArray latents(VaePrior prior, int count, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.FLOAT, count, prior.latentDim());
    }

    /** The images g(z) of the rows of z: exactly in the range of the prior. */
    static float[][] decode(VaePrior prior, INDArray z) {
        INDArray x = new StackPass(prior.decoder(), (int) z.rows()).forward(prior.decoder(), z);
        float[][] out = new float[(int) z.rows()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = x.getRow(i).toFloatVector();
        }
        return out;
    }

    /** y = A x + N(0, noise^2) (noise from ND4J's generator seeded with seed), stated with that noise level. */
    static Observation measure(MeasurementOperator op, float[] x, float noise, long seed) {
        INDArray y = Nd4j.create(DataType.FLOAT, 1, op.m());
        op.forward(Nd4j.create(x, new long[]{1, x.length}, 'c'), y);
        if (noise > 0) {
            Nd4j.getRandom().setSeed(seed);
            y.addi(Nd4j.randn(DataType.FLOAT, 1, op.m()).muli(noise));
        }
        return new Observation(op, y.toFloatVector(), noise);
    }

    /** Per-pixel mean squared error. */
    static double mse(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return s / a.length;
    }
}
