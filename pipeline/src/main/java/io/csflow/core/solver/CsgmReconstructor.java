package io.csflow.core.solver;

import io.csflow.core.nn.StackPass;
import io.csflow.core.prior.GenerativePrior;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.concurrent.atomic.AtomicLong;

/**
 * CSGM (Bora et al., ICML 2017): x_hat = g(z_hat) with z_hat from Adam on
 * (1/m) ||y - A g(z)||^2 + lz ||z||^2, best of R starts (random, or warm: see {@link WarmStart}). A point estimate: its uncertainty map
 * is all zeros, since the method assumes the generator is exact.
 */
public final class CsgmReconstructor extends PriorReconstructor {

    private final LatentSettings settings;
    private final AtomicLong calls = new AtomicLong();

    public CsgmReconstructor(GenerativePrior prior, LatentSettings settings) {
        super(prior);
        this.settings = settings;
    }

    @Override
    public String method() {
        return "csgm";
    }

    @Override
    Estimate[] solve(OperatorGroups groups) {
        BestLatents best = BestLatents.search(prior.decoder(), encoder(prior), groups, settings,
                Seeds.forCall(settings.seed(), calls.getAndIncrement()));
        int records = groups.size();
        StackPass pass = new StackPass(prior.decoder(), records);
        INDArray x = pass.forward(prior.decoder(), best.z());
        double[] residual = new MeasurementTerm(groups, 1).relativeResidual(x);
        float[][] imageRows = rows(x);
        float[][] latentRows = rows(best.z());
        Estimate[] out = new Estimate[records];
        int n = prior.outputDim();
        for (int i = 0; i < records; i++) {
            out[i] = new Estimate(imageRows[i], new float[n], latentRows[i], (float) residual[i],
                    best.iterations()[i], (float) best.loss()[i]);
        }
        return out;
    }
}
