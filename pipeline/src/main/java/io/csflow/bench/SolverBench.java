package io.csflow.bench;

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
import io.csflow.core.solver.SolverFlops;
import io.csflow.core.solver.SolverOptions;
import io.csflow.core.solver.ThetaScope;
import io.csflow.data.FashionMnist;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Measures the solver against the machine's fp32 matrix-product peak through ND4J, in one run:
 * the GEMM peak on large square matrices, the GEMM rate at the solver's shapes, the solver's
 * achieved GFLOP/s and reconstructions/s for csgm and csbgm (its theta scopes), and a 1-vs-2-thread
 * scaling figure. FLOPs are counted analytically by {@link SolverFlops} (matrix products only).
 *
 * <p>Plain Java: the CLI ({@code csflow bench}) and the tests call {@link #run}.
 */
public final class SolverBench {

    /** What to measure. */
    public record Config(int[] batches, int[] ms, int csgmRestarts, int csgmIterations,
                         int csbgmIterations, int thetaIterations, int samples, int threads,
                         int[] peakSizes, int peakReps, int shapeBatch, double minSeconds,
                         boolean scaling, int scalingBatches, boolean quick, List<String> methods) {

        /** The solvers the bench can time. */
        public static final List<String> METHODS = List.of("csgm", "csbgm-lowrank", "csbgm-batch", "csbgm-record");

        public Config {
            for (String m : methods) {
                if (!METHODS.contains(m)) {
                    throw new IllegalArgumentException("--methods: unknown solver '" + m + "', expected some of " + METHODS);
                }
            }
            if (methods.isEmpty()) {
                throw new IllegalArgumentException("--methods needs at least one of " + METHODS);
            }
            methods = List.copyOf(methods);
            if (batches.length == 0 || ms.length == 0) {
                throw new IllegalArgumentException("--batches and --m need at least one value");
            }
            for (int b : batches) {
                if (b < 1) {
                    throw new IllegalArgumentException("batch sizes must be >= 1, got " + b);
                }
            }
            if (csgmRestarts < 1 || csgmIterations < 1 || csbgmIterations < 1 || thetaIterations < 1) {
                throw new IllegalArgumentException("restarts and iterations must be >= 1");
            }
            if (threads < 0) {
                throw new IllegalArgumentException("--threads must be >= 0 (0: keep the current setting), got " + threads);
            }
            if (scalingBatches < 2 || scalingBatches % 2 != 0) {
                throw new IllegalArgumentException("scaling batches must be even and >= 2, got " + scalingBatches);
            }
        }

        /**
         * The full bench: a few minutes on a small machine. csbgm runs as many z and theta iterations as csgm runs
         * z iterations, so its row against csgm's reads as the cost of the theta stage; the record scope (minutes
         * per call at B=256) only on request.
         */
        public static Config defaults() {
            return new Config(new int[]{1, 16, 64, 256}, new int[]{50, 200}, 1, 200, 200, 200, 0, 0,
                    new int[]{1024, 2048}, 5, 64, 1.0, true, 4, false, List.of("csgm", "csbgm-lowrank", "csbgm-batch"));
        }

        /** Tiny sizes for a smoke test (seconds). */
        public static Config quickConfig() {
            return new Config(new int[]{1, 4}, new int[]{20}, 1, 3, 2, 2, 0, 0,
                    new int[]{128}, 2, 4, 0.0, true, 2, true, METHODS);
        }
    }

    /** One line of the table; NaN where a column does not apply. */
    public record Row(String section, String label, double gflops, double peakFraction, double recsPerSec,
                      double seconds, String note) {
    }

    /** The table and what it was measured with. */
    public record Report(List<Row> rows, double peakGflops, String threads, String formula, List<String> notes) {

        public List<Row> section(String name) {
            return rows.stream().filter(r -> r.section().equals(name)).toList();
        }
    }

    public static final String PEAK = "peak";
    public static final String SHAPES = "gemm-shapes";
    public static final String ITERATION = "gemm-iteration";
    public static final String SOLVER = "solver";
    public static final String SCALING = "scaling";

    private final GenerativePrior prior;
    private final Config config;
    private final PrintStream log;
    private final int[] sizes;
    private final SolverFlops flops;

    public SolverBench(GenerativePrior prior, Config config, PrintStream log) {
        this.prior = prior;
        this.config = config;
        this.log = log;
        DenseStack d = prior.decoder();
        sizes = new int[d.layers() + 1];
        sizes[0] = d.inputSize();
        for (int l = 0; l < d.layers(); l++) {
            sizes[l + 1] = d.width(l);
        }
        flops = new SolverFlops(d, null);
    }

    // ---------------------------------------------------------------- FLOP model

    /** D, one decoder forward per row ({@link SolverFlops}). */
    public long decoderFlops() {
        return flops.decoder();
    }

    /** Per row and z-stage iteration ({@link SolverFlops#zIteration}). */
    public long zIterationFlops(int m) {
        return flops.zIteration(m);
    }

    /** Per row and theta-stage iteration ({@link SolverFlops#thetaIteration}). */
    public long thetaIterationFlops(int m) {
        return flops.thetaIteration(m);
    }

    public String formula() {
        return flops.formula() + " Per call: csgm R*B*I*(2D+4mn), csbgm B*I*(2D+4mn) + B*T*(3D+4mn) + S*B*D, "
                + "csbgm-lowrank B*I*(2D+4mn) + B*T*(2D_a+4mn+10r(in+out) per adapted layer) + B*(D-D_a) + 2S*B*D. "
                + "The bench runs random starts "
                + "without early stopping and does not count the end passes.";
    }

    // ---------------------------------------------------------------- threads

    public static String threadState() {
        return "ND4J maxMasterThreads=" + Nd4j.getEnvironment().maxMasterThreads()
                + ", BLAS maxThreads=" + Nd4j.factory().blas().getMaxThreads()
                + ", OMP_NUM_THREADS=" + System.getenv("OMP_NUM_THREADS");
    }

    public static void setThreads(int n) {
        Nd4j.factory().blas().setMaxThreads(n);
        Nd4j.getEnvironment().setMaxMasterThreads(n);
    }

    // ---------------------------------------------------------------- run

    public Report run() {
        if (config.threads() > 0) {
            setThreads(config.threads());
        }
        String threads = threadState();
        log.println("threads: " + threads);
        List<Row> rows = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        notes.add("element-wise kernels: " + io.csflow.core.nn.VectorSupport.describe());
        log.println(notes.get(0));

        // 1. peak
        double peak = 0;
        squareGemmSeconds(config.peakSizes()[0], 1); // warms ND4J and the JIT before the first timed product
        for (int n : config.peakSizes()) {
            double t = squareGemmSeconds(n, config.peakReps());
            double g = 2.0 * n * n * n / t / 1e9;
            peak = Math.max(peak, g);
            rows.add(new Row(PEAK, n + "x" + n + " . " + n + "x" + n, g, Double.NaN, Double.NaN, t,
                    "best of " + config.peakReps()));
            log.printf("peak %d: %.1f GFLOP/s%n", n, g);
        }
        for (Row r : new ArrayList<>(rows)) {
            rows.set(rows.indexOf(r), withFraction(r, peak));
        }

        // 1b. GEMM at the solver's shapes, one by one (B = shapeBatch) and as a whole z iteration
        int mMax = Arrays.stream(config.ms()).max().getAsInt();
        for (Gemm g : zIterationGemms(config.shapeBatch(), mMax, true)) {
            double t = g.seconds(config.quick() ? 1 : 5);
            double gf = g.flops() / t / 1e9;
            rows.add(new Row(SHAPES, g.label(), gf, gf / peak, Double.NaN, t, g.role()));
        }
        for (int b : config.batches()) {
            for (int m : config.ms()) {
                List<Gemm> seq = zIterationGemms(b, m, false);
                double t = sequenceSeconds(seq, config.quick() ? 1 : 5);
                double gf = (double) zIterationFlops(m) * b / t / 1e9;
                rows.add(new Row(ITERATION, "B=" + b + " m=" + m, gf, gf / peak, Double.NaN, t,
                        "the " + seq.size() + " GEMMs of one z iteration back to back"));
                log.printf("gemm-only z iteration B=%d m=%d: %.1f GFLOP/s%n", b, m, gf);
            }
        }

        // 2. the solver
        int maxB = Arrays.stream(config.batches()).max().getAsInt();
        List<float[]> images = images(Math.max(maxB, 64), notes);
        for (int m : config.ms()) {
            MeasurementOperator op = operator(m, 0);
            for (String method : config.methods()) {
                Reconstructor solver = solver(method);
                // one untimed call warms the JIT and ND4J's op caches for this method and m
                solver.reconstruct(observations(images, List.of(op), Math.min(4, maxB)));
                for (int b : config.batches()) {
                    List<Observation> batch = observations(images, List.of(op), b);
                    double seconds = timeCalls(solver, batch);
                    double flops = callFlops(method, b, m);
                    double gf = flops / seconds / 1e9;
                    rows.add(new Row(SOLVER, label(method, b, m), gf, gf / peak, b / seconds, seconds,
                            String.format("%.3g GFLOP/call", flops / 1e9)));
                    log.printf("%-32s %7.2f GFLOP/s  %5.1f%% of peak  %8.2f recs/s%n", label(method, b, m), gf,
                            100 * gf / peak, b / seconds);
                }
            }
        }
        relativeToCsgm(rows, notes);
        // multi-group batch: same B, four operators, so the measurement products run on row views
        if (config.batches().length > 0) {
            int b = config.shapeBatch();
            int groups = Math.min(4, b);
            List<MeasurementOperator> ops = new ArrayList<>();
            for (int g = 0; g < groups; g++) {
                ops.add(operator(mMax, g));
            }
            Reconstructor solver = solver("csgm");
            List<Observation> batch = observations(images, ops, b);
            solver.reconstruct(batch);
            double seconds = timeCalls(solver, batch);
            double gf = callFlops("csgm", b, mMax) / seconds / 1e9;
            rows.add(new Row(SOLVER, label("csgm", b, mMax) + " " + groups + " groups", gf, gf / peak, b / seconds,
                    seconds, groups + " Gaussian operators in one batch"));
            log.printf("%-32s %7.2f GFLOP/s  %8.2f recs/s%n", label("csgm", b, mMax) + " " + groups + " groups", gf,
                    b / seconds);
        }

        // 4. scaling
        if (config.scaling()) {
            scaling(rows, images, mMax, peak);
        }
        // leave the threads as the run found them after --threads
        if (config.threads() > 0) {
            setThreads(config.threads());
        }
        return new Report(List.copyOf(rows), peak, threads, formula(), notes);
    }

    /**
     * Appends to each csbgm row its time per call over csgm's at the same B and m, when the two ran the same
     * z iterations from one start (csbgm then adds its theta iterations): the cost of model uncertainty.
     */
    private void relativeToCsgm(List<Row> rows, List<String> notes) {
        if (config.csgmRestarts() != 1 || config.csgmIterations() != config.csbgmIterations()) {
            return;
        }
        java.util.Map<String, Double> csgm = new java.util.HashMap<>();
        for (Row r : rows) {
            if (r.section().equals(SOLVER) && r.label().startsWith("csgm ")) {
                csgm.put(r.label().substring("csgm".length()), r.seconds());
            }
        }
        boolean any = false;
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            Double base = csgm.get(r.label().substring(r.label().indexOf(' ')));
            if (r.section().equals(SOLVER) && r.label().startsWith("csbgm") && base != null) {
                rows.set(i, new Row(r.section(), r.label(), r.gflops(), r.peakFraction(), r.recsPerSec(),
                        r.seconds(), r.note() + String.format(", %.2fx csgm's time", r.seconds() / base)));
                any = true;
            }
        }
        if (any) {
            notes.add("csbgm rows: time per call over csgm's at the same B and m; both run " + config.csgmIterations()
                    + " z iterations from one start, csbgm then " + config.thetaIterations() + " theta iterations"
                    + (config.samples() > 0 ? " and " + config.samples() + " uncertainty samples" : ""));
        }
    }

    private void scaling(List<Row> rows, List<float[]> images, int m, double peak) {
        int b = config.shapeBatch();
        int count = config.scalingBatches();
        MeasurementOperator op = operator(m, 0);
        List<List<Observation>> work = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            work.add(observations(images, List.of(op), b));
        }
        int before = Nd4j.getEnvironment().maxMasterThreads();
        int beforeBlas = Nd4j.factory().blas().getMaxThreads();
        try {
            String what = "csgm B=" + b + " m=" + m + ", " + count + " batches";
            // peak with 1 and 2 threads, so the solver's speed-up reads next to the GEMM's
            int n = config.peakSizes()[config.peakSizes().length - 1];
            setThreads(1);
            double p1 = 2.0 * n * n * n / squareGemmSeconds(n, config.peakReps()) / 1e9;
            setThreads(2);
            double p2 = 2.0 * n * n * n / squareGemmSeconds(n, config.peakReps()) / 1e9;
            rows.add(new Row(SCALING, "GEMM " + n + ", 1 ND4J thread", p1, p1 / peak, Double.NaN, Double.NaN, "1.00x"));
            rows.add(new Row(SCALING, "GEMM " + n + ", 2 ND4J threads", p2, p2 / peak, Double.NaN, Double.NaN,
                    String.format("%.2fx", p2 / p1)));

            setThreads(1);
            Reconstructor one = solver("csgm");
            one.reconstruct(work.get(0));
            double t1 = sequential(one, work);
            double r1 = (double) count * b / t1;
            rows.add(new Row(SCALING, what + ": 1 solver, 1 ND4J thread", gflops(count, b, m, t1),
                    gflops(count, b, m, t1) / peak, r1, t1, "1.00x"));
            log.printf("scaling 1 thread: %.2f recs/s%n", r1);

            setThreads(2);
            one.reconstruct(work.get(0));
            double t2 = sequential(one, work);
            double r2 = (double) count * b / t2;
            rows.add(new Row(SCALING, what + ": 1 solver, 2 ND4J threads", gflops(count, b, m, t2),
                    gflops(count, b, m, t2) / peak, r2, t2, String.format("%.2fx", r2 / r1)));
            log.printf("scaling 2 ND4J threads: %.2f recs/s%n", r2);

            setThreads(1);
            double tp = parallel(work);
            double rp = (double) count * b / tp;
            rows.add(new Row(SCALING, what + ": 2 solvers on 2 Java threads, 1 ND4J thread each",
                    gflops(count, b, m, tp), gflops(count, b, m, tp) / peak, rp, tp, String.format("%.2fx", rp / r1)));
            log.printf("scaling 2 Java threads: %.2f recs/s%n", rp);
        } finally {
            Nd4j.factory().blas().setMaxThreads(beforeBlas);
            Nd4j.getEnvironment().setMaxMasterThreads(before);
        }
    }

    private double gflops(int count, int b, int m, double seconds) {
        return count * callFlops("csgm", b, m) / seconds / 1e9;
    }

    private double sequential(Reconstructor solver, List<List<Observation>> work) {
        long t0 = System.nanoTime();
        for (List<Observation> batch : work) {
            solver.reconstruct(batch);
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Two solver instances on two Java threads, each solving half of the batches. */
    private double parallel(List<List<Observation>> work) {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Reconstructor[] solvers = {solver("csgm"), solver("csgm")};
            List<Future<?>> warm = new ArrayList<>();
            for (Reconstructor s : solvers) {
                warm.add(pool.submit(() -> s.reconstruct(work.get(0))));
            }
            for (Future<?> f : warm) {
                f.get();
            }
            long t0 = System.nanoTime();
            List<Future<?>> runs = new ArrayList<>();
            int half = work.size() / 2;
            for (int w = 0; w < 2; w++) {
                Reconstructor s = solvers[w];
                List<List<Observation>> mine = work.subList(w * half, (w + 1) * half);
                runs.add(pool.submit(() -> {
                    for (List<Observation> batch : mine) {
                        s.reconstruct(batch);
                    }
                }));
            }
            for (Future<?> f : runs) {
                f.get();
            }
            return (System.nanoTime() - t0) / 1e9;
        } catch (Exception e) {
            throw new IllegalStateException("parallel solvers failed: " + e, e);
        } finally {
            pool.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- solver helpers

    private static String label(String method, int b, int m) {
        return method + " B=" + b + " m=" + m;
    }

    /** FLOPs of one call on B records, by the formula. */
    public double callFlops(String method, int b, int m) {
        if (method.equals("csgm")) {
            return (double) config.csgmRestarts() * b * config.csgmIterations() * zIterationFlops(m);
        }
        if (method.equals("csbgm-lowrank")) {
            // LOWRANK theta iterations run the shared weights' products above the first adapted layer
            // (forward, backward to the layer inputs; no weight gradients) plus the rank-2 work; each sample
            // is two products per layer (H W and H E)
            return (double) b * config.csbgmIterations() * zIterationFlops(m)
                    + b * flops.thetaStage(m, ThetaScope.LOWRANK, config.thetaIterations(), config.samples());
        }
        return (double) b * config.csbgmIterations() * zIterationFlops(m)
                + (double) b * config.thetaIterations() * thetaIterationFlops(m)
                + (double) config.samples() * b * decoderFlops();
    }

    private Reconstructor solver(String method) {
        SolverOptions d = SolverOptions.defaults();
        boolean csgm = method.equals("csgm");
        SolverOptions o = new SolverOptions(csgm ? config.csgmRestarts() : 1,
                csgm ? config.csgmIterations() : config.csbgmIterations(), d.learningRate(), d.latentPenalty(),
                config.thetaIterations(), d.thetaLearningRate(), d.weightPenalty(),
                method.equals("csbgm-batch") ? ThetaScope.BATCH
                        : method.equals("csbgm-lowrank") ? ThetaScope.LOWRANK : ThetaScope.RECORD, config.samples(), 0);
        return SolverCatalog.create(method, prior, o);
    }

    /** Mean seconds per call over as many calls as fit in minSeconds (at least one). */
    private double timeCalls(Reconstructor solver, List<Observation> batch) {
        int calls = 0;
        long t0 = System.nanoTime();
        double elapsed;
        do {
            solver.reconstruct(batch);
            calls++;
            elapsed = (System.nanoTime() - t0) / 1e9;
        } while (elapsed < config.minSeconds());
        return elapsed / calls;
    }

    private MeasurementOperator operator(int m, int variant) {
        return MeasurementOperators.create(new OperatorSpec(OperatorKind.GAUSSIAN, 1000L * m + variant, m,
                prior.outputDim()));
    }

    /** B observations, y = A x + N(0, 0.1^2), records spread round-robin over the operators. */
    private static List<Observation> observations(List<float[]> images, List<MeasurementOperator> ops, int b) {
        Random rnd = new Random(7);
        List<Observation> out = new ArrayList<>(b);
        for (int i = 0; i < b; i++) {
            MeasurementOperator op = ops.get(i % ops.size());
            float[] x = images.get(i % images.size());
            INDArray y = Nd4j.create(DataType.FLOAT, 1, op.m());
            op.forward(Nd4j.create(x, new long[]{1, x.length}, 'c'), y);
            float[] yv = y.toFloatVector();
            for (int j = 0; j < yv.length; j++) {
                yv[j] += (float) (0.1 * rnd.nextGaussian());
            }
            out.add(new Observation(op, yv, 0.1f));
        }
        return out;
    }

    /** Fashion-MNIST test images when the data set is there, else images the prior generates from random z. */
    private List<float[]> images(int count, List<String> notes) {
        try {
            FashionMnist.Dataset test = FashionMnist.load(FashionMnist.Split.TEST);
            if (test.pixels() == prior.outputDim()) {
                notes.add("images: the first " + count + " Fashion-MNIST test images");
                return Arrays.asList(test.subset(0, Math.min(count, test.size())).images());
            }
        } catch (Exception e) {
            // fall through to generated images
        }
        notes.add("images: " + count + " decoder outputs g(z), z ~ N(0, I) (Fashion-MNIST not found)");
        Nd4j.getRandom().setSeed(11);
        INDArray z = Nd4j.randn(DataType.FLOAT, count, prior.latentDim());
        INDArray x = new StackPass(prior.decoder(), count).forward(prior.decoder(), z);
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(x.getRow(i).toFloatVector());
        }
        return out;
    }

    // ---------------------------------------------------------------- GEMM timing

    /** Best seconds of one n x n x n product into a preallocated output, after warm-up. */
    static double squareGemmSeconds(int n, int reps) {
        Nd4j.getRandom().setSeed(3);
        INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray c = Nd4j.create(DataType.FLOAT, n, n);
        return new Gemm("", "", a, b, c, false, false).seconds(reps);
    }

    /** One product c = op(a) op(b) on preallocated arrays. */
    record Gemm(String label, String role, INDArray a, INDArray b, INDArray c, boolean ta, boolean tb) {

        double flops() {
            long k = ta ? a.rows() : a.columns();
            return 2.0 * c.rows() * c.columns() * k;
        }

        void exec() {
            Nd4j.gemm(a, b, c, ta, tb, 1.0, 0.0);
        }

        /** Best per-call seconds over reps timed chunks of at least 20 ms, after two warm-up calls. */
        double seconds(int reps) {
            exec();
            exec();
            long t0 = System.nanoTime();
            exec();
            double single = Math.max(1e-7, (System.nanoTime() - t0) / 1e9);
            int inner = (int) Math.max(1, Math.min(100_000, 0.02 / single));
            double best = Double.MAX_VALUE;
            for (int r = 0; r < Math.max(1, reps); r++) {
                long s = System.nanoTime();
                for (int i = 0; i < inner; i++) {
                    exec();
                }
                best = Math.min(best, (System.nanoTime() - s) / 1e9 / inner);
            }
            return best;
        }
    }

    /** Best seconds of the whole sequence, timed as chunks of at least 20 ms. */
    static double sequenceSeconds(List<Gemm> seq, int reps) {
        Runnable all = () -> seq.forEach(Gemm::exec);
        all.run();
        all.run();
        long t0 = System.nanoTime();
        all.run();
        double single = Math.max(1e-7, (System.nanoTime() - t0) / 1e9);
        int inner = (int) Math.max(1, Math.min(100_000, 0.02 / single));
        double best = Double.MAX_VALUE;
        for (int r = 0; r < Math.max(1, reps); r++) {
            long s = System.nanoTime();
            for (int i = 0; i < inner; i++) {
                all.run();
            }
            best = Math.min(best, (System.nanoTime() - s) / 1e9 / inner);
        }
        return best;
    }

    /**
     * The GEMMs of one z iteration at batch B as the solver issues them (same shapes and transposes):
     * decoder forward, A x, A^T r, backward to z; with {@code withTheta} also the theta stage's
     * weight-gradient products.
     */
    List<Gemm> zIterationGemms(int b, int m, boolean withTheta) {
        Nd4j.getRandom().setSeed(5);
        int n = prior.outputDim();
        List<Gemm> out = new ArrayList<>();
        INDArray[] act = new INDArray[sizes.length];
        for (int l = 0; l < sizes.length; l++) {
            act[l] = Nd4j.rand(DataType.FLOAT, b, sizes[l]);
        }
        DenseStack d = prior.decoder();
        for (int l = 0; l + 1 < sizes.length; l++) {
            out.add(new Gemm(b + "x" + sizes[l] + " . " + sizes[l] + "x" + sizes[l + 1], "decoder forward",
                    act[l], d.weight(l), Nd4j.create(DataType.FLOAT, b, sizes[l + 1]), false, false));
        }
        INDArray a = Nd4j.rand(DataType.FLOAT, m, n);
        INDArray r = Nd4j.create(DataType.FLOAT, b, m);
        out.add(new Gemm(b + "x" + n + " . (" + m + "x" + n + ")^T", "A x", act[sizes.length - 1], a, r, false, true));
        out.add(new Gemm(b + "x" + m + " . " + m + "x" + n, "A^T r", Nd4j.rand(DataType.FLOAT, b, m), a,
                Nd4j.create(DataType.FLOAT, b, n), false, false));
        for (int l = sizes.length - 2; l >= 0; l--) {
            out.add(new Gemm(b + "x" + sizes[l + 1] + " . (" + sizes[l] + "x" + sizes[l + 1] + ")^T",
                    "backward to input", act[l + 1], d.weight(l), Nd4j.create(DataType.FLOAT, b, sizes[l]), false, true));
        }
        if (withTheta) {
            for (int l = sizes.length - 2; l >= 0; l--) {
                out.add(new Gemm("(" + b + "x" + sizes[l] + ")^T . " + b + "x" + sizes[l + 1],
                        "weight gradient (theta stage)", act[l], act[l + 1],
                        Nd4j.create(DataType.FLOAT, sizes[l], sizes[l + 1]), true, false));
            }
        }
        return out;
    }

    private static Row withFraction(Row r, double peak) {
        return new Row(r.section(), r.label(), r.gflops(), r.gflops() / peak, r.recsPerSec(), r.seconds(), r.note());
    }
}
