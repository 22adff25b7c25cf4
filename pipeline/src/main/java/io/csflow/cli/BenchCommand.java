package io.csflow.cli;

import io.csflow.bench.BenchTable;
import io.csflow.bench.IterationProfile;
import io.csflow.bench.SolverBench;
import io.csflow.core.prior.Priors;
import io.csflow.core.prior.VaePrior;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/** The solver against the machine's fp32 GEMM peak, in one run: see {@link SolverBench}. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure the fp32 GEMM peak through ND4J, the GEMM rate at the solver's shapes, and the "
                + "solver's GFLOP/s (as a fraction of that peak) and reconstructions/s for csgm and csbgm "
                + "(record, batch and low-rank scope), plus a 1-vs-2-thread scaling figure; print one table.")
public final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--threads", defaultValue = "0", description = "ND4J threads (BLAS and ND4J's own loops) for the "
            + "run; 0 keeps the current setting, which the launcher's OMP_NUM_THREADS=1 makes 1 (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--batches", split = ",", description = "Records per solver call (default: 1,16,64,256).")
    int[] batches;

    @Option(names = "--m", split = ",", description = "Measurement counts (default: 50,200).")
    int[] ms;

    @Option(names = "--iterations", description = "csgm z-stage iterations (default: 200).")
    Integer iterations;

    @Option(names = "--restarts", description = "csgm restarts (default: 1).")
    Integer restarts;

    @Option(names = "--csbgm-iterations", description = "csbgm z-stage iterations (default: 200, as csgm).")
    Integer csbgmIterations;

    @Option(names = "--theta-iterations", description = "csbgm theta-stage iterations (default: 200).")
    Integer thetaIterations;

    @Option(names = "--samples", description = "csbgm uncertainty samples, 0 or >= 2 (default: 0).")
    Integer samples;

    @Option(names = "--min-seconds", description = "Repeat each solver call until this much time has passed and "
            + "report the mean (default: 1.0; --quick: 0).")
    Double minSeconds;

    @Option(names = "--no-scaling", description = "Skip the 1-vs-2-thread scaling runs.")
    boolean noScaling;

    @Option(names = "--no-profile", description = "Skip the per-phase profile of one csgm z iteration (thread CPU "
            + "time; meaningless on a GPU backend, whose kernels run asynchronously).")
    boolean noProfile;

    @Option(names = "--methods", split = ",", description = "Solvers to time, some of csgm, csbgm-lowrank, csbgm-batch, "
            + "csbgm-record (default: all but csbgm-record, whose calls take minutes at B=256).")
    List<String> methods;

    @Option(names = "--quick", description = "Tiny sizes: a smoke test of a few seconds, not a measurement.")
    boolean quick;

    @Option(names = "--out", description = "Also write the table as markdown, with date and machine, to this file.")
    Path out;

    @Option(names = "--prior", description = "Prior snapshot file (default: ${DEFAULT-VALUE}).")
    Path prior = Priors.DEFAULT;

    /** The configuration the options ask for. */
    SolverBench.Config config() {
        SolverBench.Config d = quick ? SolverBench.Config.quickConfig() : SolverBench.Config.defaults();
        int[] b = batches != null ? batches : d.batches();
        return new SolverBench.Config(b, ms != null ? ms : d.ms(),
                restarts != null ? restarts : d.csgmRestarts(),
                iterations != null ? iterations : d.csgmIterations(),
                csbgmIterations != null ? csbgmIterations : d.csbgmIterations(),
                thetaIterations != null ? thetaIterations : d.thetaIterations(),
                samples != null ? samples : d.samples(), threads, d.peakSizes(), d.peakReps(),
                batches != null && !quick ? Arrays.stream(b).filter(x -> x <= 64).max().orElse(b[0]) : d.shapeBatch(),
                minSeconds != null ? minSeconds : d.minSeconds(), !noScaling, d.scalingBatches(), quick,
                methods != null ? methods : d.methods());
    }

    /** Where one csgm z iteration's time goes at the scaling batch and the largest m (see {@link IterationProfile}). */
    private static String profile(VaePrior vae, SolverBench.Config c, PrintStream log) {
        int b = c.shapeBatch();
        int m = Arrays.stream(c.ms()).max().getAsInt();
        log.printf("profiling one csgm z iteration at B=%d m=%d...%n", b, m);
        List<IterationProfile.Phase> phases = new IterationProfile(vae).run(b, m, c.quick() ? 16 : c.csgmIterations(),
                c.quick() ? 0.0 : 1.0);
        return "\n### Profile of one csgm z iteration (thread CPU time, best chunk)\n\n"
                + IterationProfile.table(b, m, phases)
                + "\nForward, backward and Adam are timed alone through the solver's own classes; the whole iteration is "
                + "the difference of two csgm calls (" + (c.quick() ? 16 : c.csgmIterations()) / 8 + " and "
                + (c.quick() ? 16 : c.csgmIterations()) + " iterations), the rest is what it leaves over. GEMM-only: "
                + "the same products alone on preallocated arrays.\n";
    }

    @Override
    public Integer call() throws Exception {
        SolverBench.Config c = config();
        if (c.samples() == 1) {
            throw new IllegalArgumentException("--samples must be 0 or >= 2");
        }
        VaePrior vae = Priors.load(prior);
        PrintStream log = System.err;
        String settings = String.format("batches %s, m %s, csgm %d restart(s) x %d iterations, csbgm %d + theta %d "
                        + "iterations, %d uncertainty samples, Gaussian operator, noise 0.1, --threads %s",
                Arrays.toString(c.batches()), Arrays.toString(c.ms()), c.csgmRestarts(), c.csgmIterations(),
                c.csbgmIterations(), c.thetaIterations(), c.samples(), c.threads() == 0 ? "(unchanged)" : c.threads());
        String before = BenchTable.load();
        BenchTable.CpuSnapshot start = BenchTable.CpuSnapshot.now();
        SolverBench.Report report = new SolverBench(vae, c, log).run();
        String profile = noProfile ? "" : profile(vae, c, log);
        String during = BenchTable.CpuSnapshot.now().since(start);
        List<String> load = List.of("at start: " + before, during);
        spec.commandLine().getOut().println(BenchTable.table(report));
        spec.commandLine().getOut().println(profile);
        spec.commandLine().getOut().println(settings);
        for (String line : load) {
            spec.commandLine().getOut().println(line);
        }
        spec.commandLine().getOut().flush();
        if (out != null) {
            BenchTable.write(out, BenchTable.markdown(report, settings, load) + profile);
            spec.commandLine().getOut().println("wrote " + out);
        }
        return 0;
    }
}
