package io.csflow.cli;

import io.csflow.core.operator.MeasurementOperator;
import io.csflow.core.operator.MeasurementOperators;
import io.csflow.core.operator.OperatorKind;
import io.csflow.core.operator.OperatorSpec;
import io.csflow.core.prior.Priors;
import io.csflow.core.prior.VaePrior;
import io.csflow.core.solver.SolverOptions;
import io.csflow.data.FashionMnist;
import io.csflow.eval.Tradeoff;
import io.csflow.eval.TradeoffPoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** The quality-versus-compute curve of the z stage under the evaluate protocol. */
@Command(name = "tradeoff", mixinStandardHelpOptions = true,
        description = "Run csgm with several z-stage settings (restarts x iterations, warm start, early stopping), "
                + "and csbgm where a setting adds +T theta iterations, on Fashion-MNIST test images; write a table of MSE +- SE, GFLOP/image and the ratio to the papers' "
                + "10x1000, and a chart of MSE vs GFLOP/image.")
public final class TradeoffCommand implements Callable<Integer> {

    /** The papers' setting: 10 random restarts x 1000 Adam iterations. */
    static final String PAPERS = "10x1000";

    @Option(names = "--images", defaultValue = "256", description = "First N test images (default: ${DEFAULT-VALUE}).")
    int images;

    @Option(names = "--m", split = ",", defaultValue = "50,200", description = "Measurement counts (default: ${DEFAULT-VALUE}).")
    int[] ms;

    @Option(names = "--noise", defaultValue = "0.1", description = "Noise standard deviation (default: ${DEFAULT-VALUE}).")
    float noise;

    @Option(names = "--settings", split = ",",
            defaultValue = "10x1000,1x100,1x300,1x1000,2x1000,1x100/encoder,1x300/encoder/1e-3,"
                    + "1x25/bank:4096,1x50/bank:4096,1x100/bank:4096,1x200/bank:4096/1e-3,2x200/bank:4096/1e-3,"
                    + "1x200/bank:16384/1e-3",
            description = "Settings RxI[/warm[/tol]][+T] (warm: random, encoder, bank[:K]; tol: early-stop "
                    + "tolerance, 0 off; +T: then T theta iterations of csbgm in --scope) (default: ${DEFAULT-VALUE}).")
    List<String> settings;

    @Option(names = "--papers-results", description = "Folder of an earlier `evaluate --methods csgm --restarts 10 "
            + "--iterations 1000` run: its results.csv gives the 10x1000 point instead of recomputing it.")
    Path papersResults;

    @Option(names = "--reuse", description = "Folder of an earlier tradeoff run: settings found in its tradeoff.csv "
            + "(same m) are read from it instead of run again, e.g. to redraw the chart with more settings.")
    Path reuse;

    @Mixin
    SolverOptionsMixin solver;

    @Option(names = "--batch", defaultValue = "64", description = "Records per solver call (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = {"-o", "--out"}, defaultValue = "out/tradeoff", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        SolverOptions base = solver.options();
        List<TradeoffPoint> points = new ArrayList<>();
        for (String s : settings) {
            points.add(TradeoffPoint.parse(s, base.earlyStop().window()));
        }
        Path csv = null;
        if (papersResults != null) {
            csv = Files.isDirectory(papersResults) ? papersResults.resolve("results.csv") : papersResults;
            if (!Files.isRegularFile(csv)) {
                throw new IllegalArgumentException("--papers-results: no results.csv at " + csv
                        + " (give the --out folder of an `evaluate --methods csgm --restarts 10 --iterations 1000` run)");
            }
        }
        Path earlier = null;
        if (reuse != null) {
            earlier = reuse.resolve("tradeoff.csv");
            if (!Files.isRegularFile(earlier)) {
                throw new IllegalArgumentException("--reuse: no tradeoff.csv in " + reuse
                        + " (give the --out folder of an earlier `csflow tradeoff` run)");
            }
        }
        VaePrior vae = Priors.load(solver.prior);
        FashionMnist.Dataset test = FashionMnist.load(FashionMnist.Split.TEST);
        if (images < 1 || images > test.size()) {
            throw new IllegalArgumentException("--images must be in 1.." + test.size() + ", got " + images);
        }
        long seed = base.seed();
        Tradeoff tradeoff = new Tradeoff(vae, test.subset(0, images), base, batch, noise, seed);
        for (int m : ms) {
            MeasurementOperator op = MeasurementOperators.create(new OperatorSpec(OperatorKind.GAUSSIAN, seed + m, m,
                    vae.outputDim()));
            for (TradeoffPoint p : points) {
                if (p.label().equals(PAPERS) && csv != null && tradeoff.reuse(csv, m, p) != null) {
                    continue;
                }
                if (earlier != null && tradeoff.reuseEarlier(earlier, m, p.label()) != null) {
                    continue;
                }
                tradeoff.run(p, op);
            }
        }
        tradeoff.report(out, PAPERS, String.format("csgm (csbgm with +T, scope %s) on the first %d Fashion-MNIST test images, GAUSSIAN "
                + "operator (seed seed+m), noise %.3g, lr %.3g, lz %.3g, batch %d. GFLOP/image: %s", base.scope(), images, noise,
                base.learningRate(), base.latentPenalty(), batch, tradeoff.flops().formula()));
        return 0;
    }
}
