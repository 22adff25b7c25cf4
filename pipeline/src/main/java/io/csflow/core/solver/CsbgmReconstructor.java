package io.csflow.core.solver;

import io.csflow.core.nn.DenseStack;
import io.csflow.core.nn.StackPass;
import io.csflow.core.prior.GenerativePrior;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.concurrent.atomic.AtomicLong;

/**
 * CS-BGM, the MAP estimator of "Uncertainty Modelling in Generative Compressed Sensing" (ICML 2022):
 * the z stage of CSGM, then, with the best z per record fixed, Adam on the generator weights theta
 * with a Gaussian penalty pulling them back to the trained theta0 (see {@link ThetaStage}).
 * {@link ThetaScope} decides whether a batch shares one theta, each record gets its own full copy, or
 * each record gets its own low-rank change of theta0 ({@link LowRankThetaStage}).
 */
public final class CsbgmReconstructor extends PriorReconstructor {

    private final LatentSettings latent;
    private final ThetaSettings thetaSettings;
    private final AtomicLong calls = new AtomicLong();

    public CsbgmReconstructor(GenerativePrior prior, LatentSettings latent, ThetaSettings theta) {
        super(prior);
        this.latent = latent;
        this.thetaSettings = theta;
    }

    @Override
    public String method() {
        return "csbgm";
    }

    public ThetaSettings thetaSettings() {
        return thetaSettings;
    }

    @Override
    Estimate[] solve(OperatorGroups groups) {
        long seed = Seeds.forCall(latent.seed(), calls.getAndIncrement());
        BestLatents best = BestLatents.search(prior.decoder(), encoder(prior), groups, latent, seed);
        Nd4j.getRandom().setSeed(Seeds.forCall(seed, -1));
        int records = groups.size();
        int n = prior.outputDim();
        INDArray images = Nd4j.create(DataType.FLOAT, records, n);
        INDArray uncertainty = Nd4j.zeros(DataType.FLOAT, records, n);
        double[] penalty = new double[records];
        // each scope fills the final data loss once: its uncertainty needs it, and so does the estimate
        double[] dataLoss = new double[records];
        MeasurementTerm term = new MeasurementTerm(groups, 1);
        if (thetaSettings.scope() == ThetaScope.LOWRANK) {
            // the factors' start depends on the solver's seed only, never on the call or the batch-mates
            LowRankThetaStage stage = new LowRankThetaStage(prior.decoder(), thetaSettings, records,
                    Seeds.forCall(latent.seed(), -2));
            images.assign(stage.fit(term, best.z()));
            dataLoss = term.dataLoss(images);
            double[] sigma2OverM = new double[records];
            for (int i = 0; i < records; i++) {
                Observation o = groups.sorted().get(i);
                sigma2OverM[i] = noiseVariance(o, dataLoss[i]) / o.operator().m();
                penalty[i] = stage.penalty(i);
            }
            double[] u = stage.uncertainty(sigma2OverM);
            if (u != null) {
                uncertainty.assign(Nd4j.create(u, new long[]{records, n}, 'c').castTo(DataType.FLOAT));
            }
        } else if (thetaSettings.scope() == ThetaScope.BATCH) {
            ThetaStage stage = new ThetaStage(prior.decoder(), thetaSettings);
            StackPass pass = new StackPass(prior.decoder(), records);
            DenseStack theta = stage.fit(pass, term, best.z());
            images.assign(pass.forward(theta, best.z()));
            dataLoss = term.dataLoss(images);
            double sigma2OverM = 0;
            for (int i = 0; i < records; i++) {
                Observation o = groups.sorted().get(i);
                sigma2OverM += noiseVariance(o, dataLoss[i]) / o.operator().m() / records;
            }
            java.util.Arrays.fill(penalty, stage.penalty());
            INDArray u = stage.uncertainty(pass, best.z(), sigma2OverM);
            if (u != null) {
                uncertainty.assign(u);
            }
        } else {
            ThetaStage stage = new ThetaStage(prior.decoder(), thetaSettings);
            StackPass pass = new StackPass(prior.decoder(), 1);
            for (int i = 0; i < records; i++) {
                OperatorGroups one = groups.single(i);
                MeasurementTerm single = new MeasurementTerm(one, 1);
                INDArray z = best.z().getRow(i, true).dup();
                DenseStack theta = stage.fit(pass, single, z);
                INDArray x = pass.forward(theta, z);
                images.getRow(i, true).assign(x);
                dataLoss[i] = single.dataLoss(x)[0];
                penalty[i] = stage.penalty();
                Observation o = one.sorted().get(0);
                INDArray u = stage.uncertainty(pass, z, noiseVariance(o, dataLoss[i]) / o.operator().m());
                if (u != null) {
                    uncertainty.getRow(i, true).assign(u);
                }
            }
        }
        double[] residual = term.relativeResidual(dataLoss);
        INDArray zsq = best.z().mul(best.z()).sum(1);
        float[][] imageRows = rows(images);
        float[][] uncertaintyRows = rows(uncertainty);
        float[][] latentRows = rows(best.z());
        Estimate[] out = new Estimate[records];
        for (int i = 0; i < records; i++) {
            double loss = dataLoss[i] + latent.latentPenalty() * zsq.getDouble(i) + penalty[i];
            out[i] = new Estimate(imageRows[i], uncertaintyRows[i], latentRows[i], (float) residual[i],
                    best.iterations()[i] + thetaSettings.iterations(), (float) loss);
        }
        return out;
    }
}
