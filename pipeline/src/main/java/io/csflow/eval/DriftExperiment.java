package io.csflow.eval;

import io.csflow.core.learn.OnlineTrainer;
import io.csflow.core.learn.TaskSpec;
import io.csflow.core.learn.TrainingExample;
import io.csflow.core.operator.MeasurementOperator;
import io.csflow.core.operator.OperatorCache;
import io.csflow.core.operator.OperatorSpec;
import io.csflow.core.prior.VaePrior;
import io.csflow.core.solver.CsgmReconstructor;
import io.csflow.core.solver.Estimate;
import io.csflow.core.solver.LatentSettings;
import io.csflow.core.solver.Observation;
import io.csflow.data.FashionMnist;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The drift experiment of the online-adaptation issue, run offline: a prior trained on some Fashion-MNIST
 * classes meets a stream of the other classes seen by two very different sensor groups; an
 * {@link OnlineTrainer} adapts the decoder (one task per group) and we follow the held-out reconstruction
 * error of each group, and the worst group's, under the trainer's accepted model.
 *
 * <p>Stream: the test-split images of the new classes, in their original order; group g's training frames are
 * the slice [g * frames, (g + 1) * frames), its held-out images the g-th of the last {@code groups} blocks of
 * {@code holdout} images (never offered to the trainer). Frames of the two groups are interleaved. Latents of
 * the training examples come from one cheap CSGM run under the base prior, shared by every config; the
 * examples carry no truth, so the trainer fits measurement consistency only. Every config uses the same
 * seeds and stream order.
 */
public final class DriftExperiment {

    /** One sensor group: operator kind, m, noise std and operator seed; sensor ids are {@code name-<k>}. */
    public record Group(String name, String kind, int m, float noise, long operatorSeed) {
    }

    /** One run: the weighting ("none" = no adaptation) and the Anti-PGD noise s (0 = off). */
    public record RunConfig(String weighting, double antiPgd) {
        public String label() {
            return weighting + (antiPgd > 0 ? "+apgd" : "");
        }
    }

    /**
     * @param newClasses    the classes of the stream (not seen by the prior)
     * @param frames        training frames per group
     * @param holdout       held-out images per group
     * @param steps         trainer steps per run
     * @param evalEvery     evaluate every this many steps (and at step 0)
     * @param sensorsPerGroup distinct sensor ids per group (frames cycle through them)
     */
    public record Settings(List<Group> groups, int[] newClasses, int frames, int holdout, int steps, int evalEvery,
                           int batch, int publishEvery, double learningRate, double antiPgd, double guardMargin,
                           double maxGradNorm, int capacity, int sensorsPerGroup, LatentSettings stream,
                           LatentSettings eval, long seed, List<RunConfig> runs) {
        public Settings {
            if (groups.isEmpty() || frames < 1 || holdout < 1 || steps < 1 || evalEvery < 1) {
                throw new IllegalArgumentException("drift: need groups, frames >= 1, holdout >= 1, steps >= 1,"
                        + " evalEvery >= 1");
            }
            runs = runs == null ? defaultRuns(antiPgd) : List.copyOf(runs);
        }

        /** none, then linear, mgda and nash-mtl each without and with Anti-PGD noise s. */
        public static List<RunConfig> defaultRuns(double s) {
            List<RunConfig> r = new ArrayList<>();
            r.add(new RunConfig("none", 0));
            for (String w : List.of("linear", "mgda", "nash-mtl")) {
                r.add(new RunConfig(w, 0));
                r.add(new RunConfig(w, s));
            }
            return r;
        }
    }

    /** One run's curve: steps evaluated, per-group MSE at each (groups x points), and the trainer's counts. */
    public record RunResult(RunConfig config, int[] steps, double[][] groupMse, long accepted, long rejected,
                            double seconds, double[] meanWeights) {
        public double[] worst() {
            double[] w = new double[steps.length];
            for (int t = 0; t < steps.length; t++) {
                double m = Double.NEGATIVE_INFINITY;
                for (double[] g : groupMse) {
                    m = Math.max(m, g[t]);
                }
                w[t] = m;
            }
            return w;
        }

        public double finalMse(int group) {
            return groupMse[group][steps.length - 1];
        }

        public double finalWorst() {
            double[] w = worst();
            return w[w.length - 1];
        }
    }

    private final VaePrior base;
    private final Settings settings;
    private final OperatorCache cache = new OperatorCache(8);
    private final List<MeasurementOperator> operators = new ArrayList<>();
    /** Per group: the training examples (stream order) and the held-out observations and truths. */
    private final List<List<TrainingExample>> train = new ArrayList<>();
    private final List<List<Observation>> heldObs = new ArrayList<>();
    private final List<float[][]> heldTruth = new ArrayList<>();
    private final Map<VaePrior, double[]> evalCache = new IdentityHashMap<>();
    private double streamSeconds;

    public DriftExperiment(VaePrior base, Settings settings) {
        this.base = base;
        this.settings = settings;
    }

    /** Builds the stream (measurements, held-out sets, shared latents). */
    public void prepare(FashionMnist.Dataset test) {
        FashionMnist.Dataset data = test.ofClasses(settings.newClasses());
        int g = settings.groups().size();
        int need = g * (settings.frames() + settings.holdout());
        if (data.size() < need) {
            throw new IllegalArgumentException("drift needs " + need + " images of classes "
                    + java.util.Arrays.toString(settings.newClasses()) + ", the test split has " + data.size());
        }
        List<Observation> all = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        List<Integer> owner = new ArrayList<>();
        for (int gi = 0; gi < g; gi++) {
            Group grp = settings.groups().get(gi);
            MeasurementOperator op = cache.get(OperatorSpec.of(grp.kind(), grp.operatorSeed(), grp.m(), data.pixels()));
            operators.add(op);
            Random rnd = new Random(settings.seed() * 31 + gi);
            float[][] frames = slice(data.images(), gi * settings.frames(), settings.frames());
            float[][] ys = measure(op, frames, grp.noise(), rnd);
            int heldFrom = data.size() - (g - gi) * settings.holdout();
            float[][] held = slice(data.images(), heldFrom, settings.holdout());
            float[][] hy = measure(op, held, grp.noise(), new Random(settings.seed() * 31 + 1000 + gi));
            List<Observation> ho = new ArrayList<>();
            for (float[] y : hy) {
                ho.add(new Observation(op, y, grp.noise()));
            }
            heldObs.add(ho);
            heldTruth.add(held);
            train.add(new ArrayList<>());
            for (int k = 0; k < ys.length; k++) {
                all.add(new Observation(op, ys[k], grp.noise()));
                ids.add(grp.name() + "-" + (k % settings.sensorsPerGroup()));
                owner.add(gi);
            }
        }
        long start = System.nanoTime();
        List<Estimate> est = new CsgmReconstructor(base, settings.stream()).reconstruct(all);
        streamSeconds = (System.nanoTime() - start) / 1e9;
        for (int i = 0; i < all.size(); i++) {
            train.get(owner.get(i)).add(new TrainingExample(all.get(i).operator(), all.get(i).y(),
                    est.get(i).latent(), null, ids.get(i)));
        }
    }

    public double streamSeconds() {
        return streamSeconds;
    }

    /** Per-group mean per-pixel MSE of the held-out images under a prior (cached by prior identity). */
    public double[] evaluate(VaePrior prior) {
        double[] cached = evalCache.get(prior);
        if (cached != null) {
            return cached.clone();
        }
        List<Observation> obs = new ArrayList<>();
        for (List<Observation> o : heldObs) {
            obs.addAll(o);
        }
        // a fresh reconstructor per call: same seeds for every prior
        List<Estimate> est = new CsgmReconstructor(prior, settings.eval()).reconstruct(obs);
        int g = heldObs.size();
        double[] mse = new double[g];
        int idx = 0;
        for (int gi = 0; gi < g; gi++) {
            double sum = 0;
            float[][] truth = heldTruth.get(gi);
            for (float[] x : truth) {
                float[] xh = est.get(idx++).image();
                double s = 0;
                for (int p = 0; p < x.length; p++) {
                    double d = xh[p] - x[p];
                    s += d * d;
                }
                sum += s / x.length;
            }
            mse[gi] = sum / truth.length;
        }
        evalCache.put(prior, mse);
        return mse.clone();
    }

    /** Runs one config over the whole stream. */
    public RunResult run(RunConfig rc) {
        long start = System.nanoTime();
        int g = settings.groups().size();
        int points = settings.steps() / settings.evalEvery() + 1
                + (settings.steps() % settings.evalEvery() == 0 ? 0 : 1);
        int[] at = new int[points];
        double[][] mse = new double[g][points];
        if ("none".equalsIgnoreCase(rc.weighting())) {
            double[] m0 = evaluate(base);
            for (int t = 0; t < points; t++) {
                at[t] = Math.min(t * settings.evalEvery(), settings.steps());
                for (int gi = 0; gi < g; gi++) {
                    mse[gi][t] = m0[gi];
                }
            }
            return new RunResult(rc, at, mse, 0, 0, (System.nanoTime() - start) / 1e9, new double[g]);
        }
        List<TaskSpec> tasks = new ArrayList<>();
        for (Group grp : settings.groups()) {
            tasks.add(new TaskSpec(grp.name(), java.util.regex.Pattern.quote(grp.name() + "-") + "\\d+",
                    settings.capacity(), TaskSpec.BufferMode.RESERVOIR));
        }
        OnlineTrainer trainer = new OnlineTrainer(base, new OnlineTrainer.Config(tasks, rc.weighting(), "adam",
                settings.learningRate(), rc.antiPgd(), settings.maxGradNorm(), settings.batch(),
                settings.publishEvery(), settings.guardMargin(), settings.seed()), cache);
        int perStep = (int) Math.ceil(settings.frames() / (double) settings.steps());
        int[] next = new int[g];
        int t = 0;
        double[] meanWeights = new double[g];
        record(mse, at, t++, 0, evaluate(trainer.current()));
        for (int s = 1; s <= settings.steps(); s++) {
            offer(trainer, next, perStep);
            while (!trainer.ready()) {
                if (!offer(trainer, next, 1)) {
                    throw new IllegalStateException("the stream ran out before every task had a mini-batch of "
                            + settings.batch() + ": use more frames or a smaller batch");
                }
            }
            double[] a = trainer.step().weights();
            double sum = 0;
            for (double v : a) {
                sum += v;
            }
            for (int gi = 0; gi < g; gi++) {
                meanWeights[gi] += a[gi] / sum / settings.steps();
            }
            if (trainer.candidateDue()) {
                trainer.review(trainer.candidate());
            }
            if (s % settings.evalEvery() == 0 || s == settings.steps()) {
                record(mse, at, t++, s, evaluate(trainer.current()));
            }
        }
        return new RunResult(rc, at, mse, trainer.accepted(), trainer.rejected(), (System.nanoTime() - start) / 1e9,
                meanWeights);
    }

    /** Offers up to k more frames of every group, interleaved; false when none was left. */
    private boolean offer(OnlineTrainer trainer, int[] next, int k) {
        boolean any = false;
        for (int j = 0; j < k; j++) {
            for (int gi = 0; gi < train.size(); gi++) {
                if (next[gi] < train.get(gi).size()) {
                    trainer.offer(train.get(gi).get(next[gi]++));
                    any = true;
                }
            }
        }
        return any;
    }

    private static void record(double[][] mse, int[] at, int t, int step, double[] m) {
        at[t] = step;
        for (int gi = 0; gi < m.length; gi++) {
            mse[gi][t] = m[gi];
        }
    }

    /** Runs every config and writes drift.md, drift.csv, drift-curves.csv and drift-worst.png into out. */
    public List<RunResult> runAll(Path out, java.util.function.Consumer<String> log) throws IOException {
        List<RunResult> results = new ArrayList<>();
        for (RunConfig rc : settings.runs()) {
            RunResult r = run(rc);
            results.add(r);
            log.accept(String.format(Locale.ROOT, "%-16s final %s worst %.5f  (weights %s; accepted %d, rejected %d; %.1f s)",
                    rc.label(), groupText(r), r.finalWorst(), weightText(r), r.accepted(), r.rejected(), r.seconds()));
        }
        write(out, results);
        return results;
    }

    private String weightText(RunResult r) {
        if (r.config().weighting().equals("none")) {
            return "-";
        }
        StringBuilder sb = new StringBuilder();
        for (int gi = 0; gi < settings.groups().size(); gi++) {
            sb.append(gi == 0 ? "" : " / ").append(String.format(Locale.ROOT, "%.2f", r.meanWeights()[gi]));
        }
        return sb.toString();
    }

    private String groupText(RunResult r) {
        StringBuilder sb = new StringBuilder();
        for (int gi = 0; gi < settings.groups().size(); gi++) {
            sb.append(String.format(Locale.ROOT, "%s %.5f ", settings.groups().get(gi).name(), r.finalMse(gi)));
        }
        return sb.toString().trim();
    }

    /** The markdown table of final per-group and worst-group MSE. */
    public String markdown(List<RunResult> results) {
        StringBuilder sb = new StringBuilder("| config |");
        StringBuilder rule = new StringBuilder("|---|");
        for (Group grp : settings.groups()) {
            sb.append(' ').append(grp.name()).append(" MSE |");
            rule.append("---:|");
        }
        sb.append(" worst-group MSE | worst vs none | accepted | rejected | mean task weights (normalised) |\n");
        rule.append("---:|---:|---:|---:|---|\n");
        sb.append(rule);
        double none = results.stream().filter(r -> r.config().weighting().equals("none"))
                .mapToDouble(RunResult::finalWorst).findFirst().orElse(Double.NaN);
        for (RunResult r : results) {
            sb.append("| ").append(r.config().label()).append(" |");
            for (int gi = 0; gi < settings.groups().size(); gi++) {
                sb.append(String.format(Locale.ROOT, " %.5f |", r.finalMse(gi)));
            }
            sb.append(String.format(Locale.ROOT, " %.5f | %+.2f%% | %d | %d | %s |%n", r.finalWorst(),
                    100 * (r.finalWorst() / none - 1), r.accepted(), r.rejected(), weightText(r)));
        }
        return sb.toString();
    }

    private void write(Path out, List<RunResult> results) throws IOException {
        Files.createDirectories(out);
        Files.writeString(out.resolve("drift.md"), describe() + "\n" + markdown(results));
        StringBuilder csv = new StringBuilder("config,weighting,anti_pgd");
        for (Group grp : settings.groups()) {
            csv.append(',').append(grp.name()).append("_mse");
        }
        csv.append(",worst_mse,accepted,rejected,seconds");
        for (Group grp : settings.groups()) {
            csv.append(",weight_").append(grp.name());
        }
        csv.append('\n');
        StringBuilder curves = new StringBuilder("config,step");
        for (Group grp : settings.groups()) {
            curves.append(',').append(grp.name()).append("_mse");
        }
        curves.append(",worst_mse\n");
        List<Charts.Series> series = new ArrayList<>();
        for (RunResult r : results) {
            csv.append(r.config().label()).append(',').append(r.config().weighting()).append(',')
                    .append(r.config().antiPgd());
            for (int gi = 0; gi < settings.groups().size(); gi++) {
                csv.append(',').append(String.format(Locale.ROOT, "%.6g", r.finalMse(gi)));
            }
            csv.append(String.format(Locale.ROOT, ",%.6g,%d,%d,%.2f", r.finalWorst(), r.accepted(), r.rejected(),
                    r.seconds()));
            for (double w : r.meanWeights()) {
                csv.append(String.format(Locale.ROOT, ",%.4f", w));
            }
            csv.append('\n');
            double[] w = r.worst();
            double[] x = new double[r.steps().length];
            for (int t = 0; t < x.length; t++) {
                x[t] = r.steps()[t];
                curves.append(r.config().label()).append(',').append(r.steps()[t]);
                for (int gi = 0; gi < settings.groups().size(); gi++) {
                    curves.append(',').append(String.format(Locale.ROOT, "%.6g", r.groupMse()[gi][t]));
                }
                curves.append(String.format(Locale.ROOT, ",%.6g%n", w[t]));
            }
            series.add(new Charts.Series(r.config().label(), x, w));
        }
        Files.writeString(out.resolve("drift.csv"), csv.toString());
        Files.writeString(out.resolve("drift-curves.csv"), curves.toString());
        Charts.saveLineChart(out.resolve("drift-worst.png"), "Worst-group held-out MSE under the accepted model",
                "trainer steps", "worst-group MSE per pixel", false, series);
    }

    /** One paragraph of the settings, for the markdown file. */
    public String describe() {
        StringBuilder sb = new StringBuilder("# Drift experiment\n\n");
        sb.append(String.format(Locale.ROOT, "Prior version %d (%s). Stream: classes %s of the test split, %d"
                        + " training frames and %d held-out images per group; groups:",
                base.version(), base.metadata().getOrDefault("classes", "?"),
                java.util.Arrays.toString(settings.newClasses()), settings.frames(), settings.holdout()));
        for (Group grp : settings.groups()) {
            sb.append(String.format(Locale.ROOT, " %s = %s m=%d noise %.3g seed %d;", grp.name(), grp.kind(),
                    grp.m(), grp.noise(), grp.operatorSeed()));
        }
        sb.append(String.format(Locale.ROOT, " %d steps, Adam lr %.3g, batch %d per task, publish every %d, guard"
                        + " margin %.3g, max grad norm %.3g, Anti-PGD s %.3g. Stream latents: CSGM %d it x %d restarts;"
                        + " evaluation: CSGM %d it x %d restarts (seed %d) every %d steps under OnlineTrainer.current().\n",
                settings.steps(), settings.learningRate(), settings.batch(), settings.publishEvery(),
                settings.guardMargin(), settings.maxGradNorm(), settings.antiPgd(), settings.stream().iterations(),
                settings.stream().restarts(), settings.eval().iterations(), settings.eval().restarts(),
                settings.eval().seed(), settings.evalEvery()));
        return sb.toString();
    }

    private static float[][] slice(float[][] a, int from, int count) {
        return java.util.Arrays.copyOfRange(a, from, from + count);
    }

    private static float[][] measure(MeasurementOperator op, float[][] xs, float noise, Random rnd) {
        int n = xs[0].length;
        float[] flat = new float[xs.length * n];
        for (int i = 0; i < xs.length; i++) {
            System.arraycopy(xs[i], 0, flat, i * n, n);
        }
        INDArray out = Nd4j.create(DataType.FLOAT, xs.length, op.m());
        op.forward(Nd4j.create(flat, new long[]{xs.length, n}, 'c'), out);
        float[][] ys = new float[xs.length][];
        for (int i = 0; i < xs.length; i++) {
            float[] y = out.getRow(i).toFloatVector();
            for (int j = 0; j < y.length; j++) {
                y[j] += (float) (noise * rnd.nextGaussian());
            }
            ys[i] = y;
        }
        return ys;
    }
}
