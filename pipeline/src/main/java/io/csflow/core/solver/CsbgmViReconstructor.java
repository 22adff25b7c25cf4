package io.csflow.core.solver;

import io.csflow.core.nn.Adam;
import io.csflow.core.nn.DenseStack;
import io.csflow.core.nn.StackPass;
import io.csflow.core.prior.GenerativePrior;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.GaussianDistribution;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The variational CS-BGM estimator: q(z) = N(mu, diag(d^2)) per record (best of R starts), then the
 * theta stage with z = mu. The uncertainty is the per-pixel standard deviation of g(z; theta_hat)
 * over z ~ q, i.e. the latent posterior pushed through the adapted generator.
 */
public final class CsbgmViReconstructor extends PriorReconstructor {

    private final VariationalSettings vi;
    private final ThetaSettings thetaSettings;
    private final AtomicLong calls = new AtomicLong();

    public CsbgmViReconstructor(GenerativePrior prior, VariationalSettings vi, ThetaSettings theta) {
        super(prior);
        this.vi = vi;
        this.thetaSettings = theta;
    }

    @Override
    public String method() {
        return "csbgm-vi";
    }

    @Override
    Estimate[] solve(OperatorGroups groups) {
        LatentSettings ls = vi.latent();
        DenseStack decoder = prior.decoder();
        int records = groups.size();
        int restarts = ls.restarts();
        int rows = records * restarts;
        int k = decoder.inputSize();
        long seed = Seeds.forCall(ls.seed(), calls.getAndIncrement());
        Nd4j.getRandom().setSeed(seed);

        MeasurementTerm term = new MeasurementTerm(groups, restarts);
        INDArray beta = Nd4j.create(DataType.FLOAT, rows, 1);
        for (int row = 0; row < rows; row++) {
            Observation o = groups.sorted().get(row / restarts);
            double sigma = Math.max(o.noiseStd(), vi.minNoiseStd());
            beta.putScalar(row, 0, vi.klWeight() * 2 * sigma * sigma / o.operator().m());
        }
        INDArray mu = Nd4j.randn(DataType.FLOAT, rows, k);
        INDArray d = Nd4j.valueArrayOf(new long[]{rows, k}, (float) vi.initialStd());
        INDArray eps = mu.ulike();
        INDArray z = mu.ulike();
        INDArray gMu = mu.ulike();
        Adam adam = Adam.withDefaults(List.of(mu), ls.learningRate());
        StackPass pass = new StackPass(decoder, rows);
        for (int it = 0; it < ls.iterations(); it++) {
            if (it % SPREAD_UPDATE_EVERY == SPREAD_UPDATE_EVERY - 1) {
                updateSpread(decoder, pass, term, mu, beta, d);
            }
            Nd4j.exec(new GaussianDistribution(eps, 0.0, 1.0));
            z.assign(d).muli(eps).addi(mu);
            INDArray x = pass.forward(decoder, z);
            term.gradient(x, pass.outputGradient(), 1.0);
            INDArray dz = pass.backward(decoder, z, null);
            // KL(N(mu, d^2) || N(0, 1)) = 0.5 (d^2 + mu^2 - 1) - log d per coordinate
            gMu.assign(mu).muliColumnVector(beta).addi(dz);
            adam.step(List.of(gMu));
        }
        updateSpread(decoder, pass, term, mu, beta, d);
        INDArray logD = Transforms.log(d, true);
        double[] loss = term.dataLoss(pass.forward(decoder, mu));
        INDArray kl = d.mul(d).addi(mu.mul(mu)).subi(1).muli(0.5).subi(logD).sum(1);
        int[] best = new int[records];
        for (int i = 0; i < records; i++) {
            best[i] = i * restarts;
            for (int r = 0; r < restarts; r++) {
                int row = i * restarts + r;
                double score = loss[row] + beta.getDouble(row) * kl.getDouble(row);
                double bestScore = loss[best[i]] + beta.getDouble(best[i]) * kl.getDouble(best[i]);
                if (score < bestScore) {
                    best[i] = row;
                }
            }
        }
        INDArray muBest = Nd4j.pullRows(mu, 1, best);
        INDArray dBest = Nd4j.pullRows(d, 1, best);
        MeasurementTerm single = new MeasurementTerm(groups, 1);
        StackPass batchPass = new StackPass(decoder, records);
        DenseStack theta = decoder;
        ThetaStage stage = new ThetaStage(decoder, thetaSettings);
        if (thetaSettings.iterations() > 0) {
            if (thetaSettings.scope() == ThetaScope.BATCH) {
                theta = stage.fit(batchPass, single, muBest);
            }
        }
        INDArray images = Nd4j.create(DataType.FLOAT, records, decoder.outputSize());
        INDArray uncertainty = images.ulike();
        if (thetaSettings.iterations() > 0 && thetaSettings.scope() == ThetaScope.RECORD) {
            StackPass one = new StackPass(decoder, 1);
            StackPass samples = new StackPass(decoder, vi.samples());
            for (int i = 0; i < records; i++) {
                INDArray zi = muBest.getRow(i, true).dup();
                DenseStack ti = stage.fit(one, new MeasurementTerm(groups.single(i), 1), zi);
                images.getRow(i, true).assign(one.forward(ti, zi));
                uncertainty.getRow(i, true).assign(latentSpread(samples, ti, muBest.getRow(i, true), dBest.getRow(i, true)));
            }
        } else {
            images.assign(batchPass.forward(theta, muBest));
            StackPass samples = new StackPass(decoder, vi.samples());
            for (int i = 0; i < records; i++) {
                uncertainty.getRow(i, true).assign(latentSpread(samples, theta, muBest.getRow(i, true), dBest.getRow(i, true)));
            }
        }
        double[] finalLoss = single.dataLoss(images);
        double[] residual = single.relativeResidual(finalLoss);
        float[][] imageRows = rows(images);
        float[][] uncertaintyRows = rows(uncertainty);
        float[][] latentRows = rows(muBest);
        Estimate[] out = new Estimate[records];
        int iterations = ls.iterations() * restarts + thetaSettings.iterations();
        for (int i = 0; i < records; i++) {
            out[i] = new Estimate(imageRows[i], uncertaintyRows[i], latentRows[i], (float) residual[i],
                    iterations, (float) finalLoss[i]);
        }
        return out;
    }

    /**
     * Sets d to the optimum of the variational objective for the data term's quadratic (Gauss-Newton)
     * model at mu: with curvature h_j = (2/m) ||A dg/dz_j||^2, d_j^2 = beta / (h_j + beta). Doing this in
     * closed form, with the Jacobian from central differences (2k forward passes), replaces the noisy
     * single-sample gradient on log d, which left d drifting towards 0 whatever m was.
     */
    private static void updateSpread(DenseStack decoder, StackPass pass, MeasurementTerm term, INDArray mu,
                                     INDArray beta, INDArray d) {
        int k = (int) mu.columns();
        INDArray shifted = mu.dup();
        for (int j = 0; j < k; j++) {
            shifted.getColumn(j).addi(JACOBIAN_STEP);
            INDArray plus = pass.forward(decoder, shifted).dup();
            shifted.getColumn(j).subi(2 * JACOBIAN_STEP);
            INDArray column = plus.subi(pass.forward(decoder, shifted)).divi(2 * JACOBIAN_STEP);
            shifted.getColumn(j).addi(JACOBIAN_STEP);
            double[] h = term.curvature(column);
            for (int row = 0; row < h.length; row++) {
                double b = beta.getDouble(row, 0);
                d.putScalar(row, j, Math.sqrt(b / (h[row] + b)));
            }
        }
    }

    private static final int SPREAD_UPDATE_EVERY = 100;
    private static final float JACOBIAN_STEP = 1e-2f;

    /** Standard deviation (1 x n) of g(mu + d eps; theta) over the pass's batch of samples. */
    private static INDArray latentSpread(StackPass samples, DenseStack theta, INDArray mu, INDArray d) {
        INDArray eps = Nd4j.randn(DataType.FLOAT, samples.batch(), mu.columns());
        INDArray z = eps.muliRowVector(d).addiRowVector(mu);
        INDArray x = samples.forward(theta, z);
        return x.std(false, 0).reshape(1, x.columns());
    }
}
