package io.csflow.bench;

import io.csflow.core.nn.Adam;
import io.csflow.core.nn.DenseStack;
import io.csflow.core.nn.StackPass;
import io.csflow.core.operator.MeasurementOperator;
import io.csflow.core.operator.MeasurementOperators;
import io.csflow.core.operator.OperatorKind;
import io.csflow.core.operator.OperatorSpec;
import io.csflow.core.prior.GenerativePrior;
import io.csflow.core.solver.Observation;
import io.csflow.core.solver.Reconstructor;
import io.csflow.core.solver.SolverCatalog;
import io.csflow.core.solver.SolverOptions;
import io.csflow.core.solver.ThetaScope;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;

/**
 * Where the time of one csgm z iteration goes, phase by phase, through the public pieces the solver
 * runs (decoder forward, backward to z, Adam on z) timed one at a time at the solver's batch, next to
 * the GEMM-only time of each phase; the measurement phase (A x, residual, A^T r, the z gradient's
 * bookkeeping) is what the whole csgm iteration leaves over. Only public APIs are used, so the same
 * class profiles any version of the solver (A/B runs of two builds).
 */
public final class IterationProfile {

    /** One phase: seconds per iteration in the real code and in its GEMMs alone (NaN where not split). */
    public record Phase(String name, double seconds, double gemmSeconds) {
        // seconds: this thread's CPU time (see seconds(Runnable, double))
    }

    private final GenerativePrior prior;

    public IterationProfile(GenerativePrior prior) {
        this.prior = prior;
    }

    /** Phases of one z iteration at batch b and m measurements, each timed over at least minSeconds. */
    public List<Phase> run(int b, int m, int iterations, double minSeconds) {
        DenseStack decoder = prior.decoder();
        int n = prior.outputDim();
        Nd4j.getRandom().setSeed(17);
        INDArray z = Nd4j.randn(DataType.FLOAT, b, prior.latentDim());
        StackPass pass = new StackPass(decoder, b);
        pass.forward(decoder, z);
        pass.outputGradient().assign(Nd4j.randn(DataType.FLOAT, b, n).muli(1e-3));

        List<SolverBench.Gemm> gemms = new SolverBench(prior, SolverBench.Config.quickConfig(), System.err)
                .zIterationGemms(b, m, false);
        int layers = decoder.layers();
        List<SolverBench.Gemm> forwardGemms = gemms.subList(0, layers);
        List<SolverBench.Gemm> measureGemms = gemms.subList(layers, layers + 2);
        List<SolverBench.Gemm> backwardGemms = gemms.subList(layers + 2, gemms.size());

        double forward = seconds(() -> pass.forward(decoder, z), minSeconds);
        double backward = seconds(() -> pass.backward(decoder, z, null), minSeconds);
        INDArray zAdam = z.dup();
        INDArray grad = z.ulike();
        Adam adam = Adam.withDefaults(List.of(zAdam), 0.01);
        List<INDArray> grads = List.of(grad);
        double adamStep = seconds(() -> {
            grad.assign(1e-3);
            adam.step(grads);
        }, minSeconds);

        MeasurementOperator op = MeasurementOperators.create(new OperatorSpec(OperatorKind.GAUSSIAN, 1000L * m, m, n));
        List<Observation> batch = new ArrayList<>();
        float[] y = new float[m];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < m; j++) {
                y[j] = (float) Math.sin(0.1 * (i + 1) * (j + 1));
            }
            batch.add(new Observation(op, y.clone(), 0.1f));
        }
        // the whole solver at two iteration counts: the difference is the cost per iteration without the
        // per-call set-up (groups, buffers, final loss), which is reported apart
        double few = Math.max(1, iterations / 8);
        double shortCall = seconds(() -> csgm(op.m(), (int) few).reconstruct(batch), minSeconds);
        Reconstructor full = csgm(op.m(), iterations);
        double longCall = seconds(() -> full.reconstruct(batch), minSeconds);
        double whole = (longCall - shortCall) / (iterations - few);
        double fixed = shortCall - few * whole;

        double fg = seconds(() -> forwardGemms.forEach(SolverBench.Gemm::exec), minSeconds);
        double mg = seconds(() -> measureGemms.forEach(SolverBench.Gemm::exec), minSeconds);
        double bg = seconds(() -> backwardGemms.forEach(SolverBench.Gemm::exec), minSeconds);
        List<Phase> out = new ArrayList<>();
        out.add(new Phase("decoder forward: " + layers + " GEMM, bias adds, activations", forward, fg));
        out.add(new Phase("backward to z: activation derivatives, " + layers + " GEMM", backward, bg));
        out.add(new Phase("Adam on z (with its gradient fill)", adamStep, Double.NaN));
        out.add(new Phase("rest: A x, residual, A^T r, z gradient bookkeeping (iteration - phases above)",
                whole - forward - backward - adamStep, mg));
        out.add(new Phase("whole csgm z iteration (from calls of " + (int) few + " and " + iterations + " iterations)",
                whole, fg + mg + bg));
        out.add(new Phase("per call, once: set-up, final loss and residual", fixed, Double.NaN));
        return out;
    }

    private Reconstructor csgm(int m, int iterations) {
        SolverOptions d = SolverOptions.defaults();
        return SolverCatalog.create("csgm", prior, new SolverOptions(1, iterations, d.learningRate(),
                d.latentPenalty(), d.thetaIterations(), d.thetaLearningRate(), d.weightPenalty(), ThetaScope.BATCH, 0, 0));
    }

    /**
     * Best CPU seconds of this thread per call over chunks of at least 20 ms, after two warm-up calls, for
     * minSeconds of wall time in all (at least 3 chunks). With one ND4J/BLAS thread every op runs on the
     * calling thread, so its CPU time is the work itself, and the best chunk the one other processes
     * disturbed least (caches, frequency): the figure to compare on a shared machine.
     */
    static double seconds(Runnable r, double minSeconds) {
        r.run();
        r.run();
        long s0 = cpuNanos();
        r.run();
        double single = Math.max(1e-7, (cpuNanos() - s0) / 1e9);
        int inner = (int) Math.max(1, Math.min(100_000, 0.02 / single));
        double best = Double.MAX_VALUE;
        int chunks = 0;
        long t0 = System.nanoTime();
        do {
            long s = cpuNanos();
            for (int i = 0; i < inner; i++) {
                r.run();
            }
            best = Math.min(best, (cpuNanos() - s) / 1e9 / inner);
            chunks++;
        } while ((System.nanoTime() - t0) / 1e9 < minSeconds || chunks < 3);
        return best;
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private static long cpuNanos() {
        return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
    }

    /** Plain-text table of phases, milliseconds per iteration. */
    public static String table(int b, int m, List<Phase> phases) {
        StringBuilder s = new StringBuilder();
        s.append("| phase (B=").append(b).append(" m=").append(m)
                .append(") | CPU ms/iteration | GEMM-only ms | non-GEMM ms |\n|---|---:|---:|---:|\n");
        for (Phase p : phases) {
            s.append(String.format("| %s | %.3f | %s | %s |%n", p.name(), 1e3 * p.seconds(),
                    Double.isNaN(p.gemmSeconds()) ? "" : String.format("%.3f", 1e3 * p.gemmSeconds()),
                    Double.isNaN(p.gemmSeconds()) ? String.format("%.3f", 1e3 * p.seconds())
                            : String.format("%.3f", 1e3 * (p.seconds() - p.gemmSeconds()))));
        }
        return s.toString();
    }

    /** {@code java ... io.csflow.bench.IterationProfile [prior-file] [B] [m] [repeats]}: prints the table. */
    public static void main(String[] args) throws Exception {
        GenerativePrior prior = io.csflow.core.prior.Priors.load(args.length > 0 ? java.nio.file.Path.of(args[0])
                : io.csflow.core.prior.Priors.DEFAULT);
        int b = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int m = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        int repeats = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        IterationProfile profile = new IterationProfile(prior);
        for (int r = 0; r < repeats; r++) {
            System.out.println(table(b, m, profile.run(b, m, 200, 1.0)));
        }
    }
}
