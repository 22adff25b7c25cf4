package io.csflow.core.solver;

import io.csflow.core.nn.Adam;
import io.csflow.core.nn.DenseStack;
import io.csflow.core.nn.StackPass;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.GaussianDistribution;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.ArrayList;
import java.util.List;

/**
 * The CS-BGM theta stage (MAP over the generator weights, z fixed) and the posterior samples behind
 * its uncertainty. Owns a working copy of the weights, their gradients, Adam moments and scratch
 * space, all allocated once and reused for every record or batch it adapts.
 *
 * <p>Model uncertainty: the true weights are Gaussian around theta0. Reading the objective, scaled to
 * the noise level sigma, as a negative log posterior, the penalty lt * mean((theta_l - theta0_l)^2)
 * is a Gaussian prior of variance s_l^2 = N_l * mean(sigma^2 / m) / (lt * B) on tensor l (N_l entries,
 * B records sharing theta). The uncertainty is the per-pixel standard deviation of g(z; theta) over
 * theta ~ N(theta_hat, diag(s_l^2)).
 */
final class ThetaStage {

    private final DenseStack theta0;
    private final DenseStack theta;
    private final DenseStack grads;
    private final DenseStack sample;
    private final List<INDArray> scratch = new ArrayList<>();
    private final double[] penaltyGradientScale;
    private final Adam adam;
    private final ThetaSettings settings;

    ThetaStage(DenseStack theta0, ThetaSettings settings) {
        this.theta0 = theta0;
        this.settings = settings;
        this.theta = theta0.dup();
        this.grads = theta0.zerosLike();
        this.sample = theta0.zerosLike();
        List<INDArray> tensors = theta0.tensors();
        penaltyGradientScale = new double[tensors.size()];
        for (int t = 0; t < tensors.size(); t++) {
            scratch.add(tensors.get(t).ulike());
            // d/dtheta of lt * mean((theta - theta0)^2)
            penaltyGradientScale[t] = 2.0 * settings.weightPenalty() / tensors.get(t).length();
        }
        this.adam = new Adam(theta.tensors(), settings.learningRate(), settings.beta1(), 0.999, 1e-8);
    }

    /**
     * Adapts the weights to the records of {@code term} with their latents {@code z} fixed, starting
     * from theta0. The data term is averaged over the records, as in the public code.
     *
     * @return the adapted weights, owned by this stage and valid until the next call
     */
    DenseStack fit(StackPass pass, MeasurementTerm term, INDArray z) {
        theta.assign(theta0);
        adam.reset();
        double scale = 1.0 / term.rows();
        List<INDArray> w = theta.tensors();
        List<INDArray> w0 = theta0.tensors();
        List<INDArray> g = grads.tensors();
        for (int it = 0; it < settings.iterations(); it++) {
            INDArray x = pass.forward(theta, z);
            term.gradient(x, pass.outputGradient(), scale);
            pass.backward(theta, z, grads);
            for (int t = 0; t < w.size(); t++) {
                g.get(t).addi(scratch.get(t).assign(w.get(t)).subi(w0.get(t)).muli(penaltyGradientScale[t]));
            }
            adam.step(g);
        }
        return theta;
    }

    /** lt * sum_l mean((theta_l - theta0_l)^2) of the current weights. */
    double penalty() {
        double p = 0;
        List<INDArray> w = theta.tensors();
        List<INDArray> w0 = theta0.tensors();
        for (int t = 0; t < w.size(); t++) {
            INDArray d = scratch.get(t).assign(w.get(t)).subi(w0.get(t));
            p += d.mul(d).meanNumber().doubleValue();
        }
        return settings.weightPenalty() * p;
    }

    /**
     * Per-pixel standard deviation (rows x n) of g(z; theta) over S weight samples around the current
     * weights, or null when sampling is off.
     *
     * @param sigma2OverM mean over the records sharing theta of sigma_i^2 / m_i
     */
    INDArray uncertainty(StackPass pass, INDArray z, double sigma2OverM) {
        int samples = settings.uncertaintySamples();
        if (samples == 0) {
            return null;
        }
        List<INDArray> mean = theta.tensors();
        List<INDArray> out = sample.tensors();
        INDArray sum = null;
        INDArray sumSq = null;
        for (int s = 0; s < samples; s++) {
            for (int t = 0; t < mean.size(); t++) {
                double var = mean.get(t).length() * sigma2OverM / (settings.weightPenalty() * z.rows());
                Nd4j.exec(new GaussianDistribution(out.get(t), 0.0, Math.sqrt(var)));
                out.get(t).addi(mean.get(t));
            }
            INDArray x = pass.forward(sample, z);
            if (sum == null) {
                sum = x.dup();
                sumSq = x.mul(x);
            } else {
                sum.addi(x);
                sumSq.addi(x.mul(x));
            }
        }
        INDArray m = sum.divi(samples);
        INDArray var = sumSq.divi(samples).subi(m.mul(m));
        return Transforms.sqrt(Transforms.max(var, 0.0, false), false);
    }
}
