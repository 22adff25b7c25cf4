package io.csflow.cli;

import io.csflow.core.operator.MeasurementOperator;
import io.csflow.core.operator.MeasurementOperators;
import io.csflow.core.operator.OperatorKind;
import io.csflow.core.operator.OperatorSpec;
import io.csflow.core.prior.Priors;
import io.csflow.core.prior.VaePrior;
import io.csflow.core.solver.SolverOptions;
import io.csflow.data.FashionMnist;
import io.csflow.eval.Evaluation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

    @Option(names = "--methods", split = ",", defaultValue = "lasso-pixel,lasso-dct,csgm,csbgm-batch,csbgm-record,csbgm-lowrank,csbgm-vi",
            description = "Methods to run (default: ${DEFAULT-VALUE}).")
    List<String> methods;

    @Mixin
    SolverOptionsMixin solver;

    @Option(names = "--batch", defaultValue = "64", description = "Records per solver call (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = {"-o", "--out"}, defaultValue = "out/evaluate", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--combine", split = ",", description = "Instead of running, merge the results.csv of these "
            + "earlier output folders into one table and plot in --out.")
    List<Path> combine;

    @Override
    public Integer call() throws Exception {
        if (combine != null) {
            Evaluation.combine(combine, out, "the runs in " + combine);
            return 0;
        }
        VaePrior vae = Priors.load(solver.prior);
        SolverOptions options = solver.options();
        long seed = options.seed();
        FashionMnist.Dataset test = FashionMnist.load(FashionMnist.Split.TEST);
        if (images < 1 || images > test.size()) {
            throw new IllegalArgumentException("--images must be in 1.." + test.size() + ", got " + images);
        }
        OperatorKind operatorKind = OperatorKind.parse(kind);
        Evaluation evaluation = new Evaluation(vae, test.subset(0, images), options, batch, noise, seed);
        for (int m : ms) {
            OperatorSpec spec = new OperatorSpec(operatorKind, seed + m, m, vae.outputDim());
            MeasurementOperator op = MeasurementOperators.create(spec);
            for (String method : methods) {
                evaluation.run(method, op);
            }
        }
        evaluation.report(out, String.format("%s, noise %.3g, %d images, %d restarts (%s) x at most %d iterations (early stop %s), theta %d iterations, lt %.3g, lz %.3g",
                operatorKind, noise, images, options.restarts(), options.warmStart(), options.iterations(),
                options.earlyStop().enabled() ? options.earlyStop().tolerance() + "/" + options.earlyStop().window() : "off",
                options.thetaIterations(),
                options.weightPenalty(), options.latentPenalty()));
        return 0;
    }
}
