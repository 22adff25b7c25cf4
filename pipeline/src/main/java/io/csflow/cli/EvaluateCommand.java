package io.csflow.cli;

import io.csflow.core.operator.MeasurementOperator;
import io.csflow.core.operator.MeasurementOperators;
import io.csflow.core.operator.OperatorKind;
import io.csflow.core.operator.OperatorSpec;
import io.csflow.core.prior.Priors;
import io.csflow.core.prior.VaePrior;
import io.csflow.core.solver.SolverOptions;
import io.csflow.core.solver.ThetaScope;
import io.csflow.data.FashionMnist;
import io.csflow.eval.Evaluation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** The papers' protocol on Fashion-MNIST test images: every method, several m, fixed seeds. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Reconstruct Fashion-MNIST test images from compressed measurements with each method; "
                + "print per-pixel MSE, speed and uncertainty calibration; write a plot and image grids.")
public final class EvaluateCommand implements Callable<Integer> {

    @Option(names = "--images", defaultValue = "64", description = "First N test images (default: ${DEFAULT-VALUE}).")
    int images;

    @Option(names = "--m", split = ",", defaultValue = "25,50,100,200,400", description = "Measurement counts (default: ${DEFAULT-VALUE}).")
    int[] ms;

    @Option(names = "--kind", defaultValue = "GAUSSIAN", description = "Operator kind (default: ${DEFAULT-VALUE}).")
    String kind;

    @Option(names = "--noise", defaultValue = "0.1", description = "Noise standard deviation (default: ${DEFAULT-VALUE}).")
    float noise;

    @Option(names = "--methods", split = ",", defaultValue = "lasso-pixel,lasso-dct,csgm,csbgm-batch,csbgm-record,csbgm-vi",
            description = "Methods to run (default: ${DEFAULT-VALUE}).")
    List<String> methods;

    @Option(names = "--restarts", defaultValue = "2", description = "Random restarts of the z stage (default: ${DEFAULT-VALUE}).")
    int restarts;

    @Option(names = "--iterations", defaultValue = "1000", description = "Adam iterations of the z stage (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--theta-iterations", defaultValue = "400", description = "Adam iterations of the theta stage (default: ${DEFAULT-VALUE}).")
    int thetaIterations;

    @Option(names = "--theta-lr", defaultValue = "2e-4", description = "Adam step of the theta stage (default: ${DEFAULT-VALUE}).")
    double thetaLr;

    @Option(names = "--lt", description = "Weight penalty lt of the theta stage (default: the solver default).")
    Double lt;

    @Option(names = "--lz", defaultValue = "0.1", description = "Latent penalty lz (default: ${DEFAULT-VALUE}).")
    double lz;

    @Option(names = "--scope", defaultValue = "RECORD", description = "Theta scope for csbgm and csbgm-vi: BATCH or RECORD (default: ${DEFAULT-VALUE}).")
    ThetaScope scope;

    @Option(names = "--samples", defaultValue = "16", description = "Posterior samples for the uncertainty (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--batch", defaultValue = "64", description = "Records per solver call (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of operators, noise and restarts (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--prior", description = "Prior snapshot file (default: models/fmnist-vae.avro).")
    Path prior = Priors.DEFAULT;

    @Option(names = {"-o", "--out"}, defaultValue = "out/evaluate", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        VaePrior vae = Priors.load(prior);
        FashionMnist.Dataset test = FashionMnist.load(FashionMnist.Split.TEST);
        if (images < 1 || images > test.size()) {
            throw new IllegalArgumentException("--images must be in 1.." + test.size() + ", got " + images);
        }
        OperatorKind operatorKind = OperatorKind.parse(kind);
        SolverOptions options = new SolverOptions(restarts, iterations, 0.1, lz, thetaIterations, thetaLr,
                lt == null ? SolverOptions.DEFAULT_WEIGHT_PENALTY : lt, scope, samples, seed);
        Evaluation evaluation = new Evaluation(vae, test.subset(0, images), options, batch, noise, seed);
        for (int m : ms) {
            OperatorSpec spec = new OperatorSpec(operatorKind, seed + m, m, vae.outputDim());
            MeasurementOperator op = MeasurementOperators.create(spec);
            for (String method : methods) {
                evaluation.run(method, op);
            }
        }
        evaluation.report(out, String.format("%s, noise %.3g, %d images, %d restarts x %d iterations, theta %d iterations, lt %.3g, lz %.3g",
                operatorKind, noise, images, restarts, iterations, thetaIterations, options.weightPenalty(), lz));
        return 0;
    }
}
