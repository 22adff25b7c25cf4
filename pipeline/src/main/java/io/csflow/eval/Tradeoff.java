package io.csflow.eval;

import io.csflow.core.operator.MeasurementOperator;
import io.csflow.core.prior.VaePrior;
import io.csflow.core.solver.Estimate;
import io.csflow.core.solver.Observation;
import io.csflow.core.solver.Reconstructor;
import io.csflow.core.solver.SolverCatalog;
import io.csflow.core.solver.SolverFlops;
import io.csflow.core.solver.SolverOptions;
import io.csflow.data.FashionMnist;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Quality versus compute of the z stage (and, for settings with {@code +T}, the CS-BGM theta stage after it): per-pixel MSE (mean +- standard error over the images, the
 * {@link Evaluation} protocol) against analytic GFLOP per image ({@link SolverFlops}, with the iterations
 * each record actually ran), for a list of settings at one m at a time. The papers' 10 x 1000 point can be
 * read from an earlier {@code evaluate} results.csv instead of being recomputed (it costs ~40 GFLOP/image).
 */
public final class Tradeoff {

    /** One measured point. */
    public record Point(int m, String label, double mse, double standardError, double meanIterations,
                        double gflopPerImage, double seconds, boolean reused) {
    }

    private final VaePrior prior;
    private final FashionMnist.Dataset data;
    private final SolverOptions base;
    private final int batch;
    private final float noise;
    private final long seed;
    private final SolverFlops flops;
    private final List<Point> points = new ArrayList<>();

    public Tradeoff(VaePrior prior, FashionMnist.Dataset data, SolverOptions base, int batch, float noise, long seed) {
        if (batch < 1) {
            throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
        }
        this.prior = prior;
        this.data = data;
        this.base = base;
        this.batch = batch;
        this.noise = noise;
        this.seed = seed;
        this.flops = new SolverFlops(prior.decoder(), prior.encoder());
    }

    public SolverFlops flops() {
        return flops;
    }

    /** Runs csgm (or csbgm, for a setting with a theta stage) with {@code setting} on every image at this operator. */
    public Point run(TradeoffPoint setting, MeasurementOperator op) {
        SolverOptions options = setting.options(base);
        Reconstructor solver = SolverCatalog.create(setting.method(), prior, options);
        int theta = setting.thetaIterations();
        double thetaFlop = theta == 0 ? 0 : flops.thetaStage(op.m(), options.scope(), theta, options.uncertaintySamples());
        List<Observation> observations = new Evaluation(prior, data, options, batch, noise, seed).observe(op);
        int count = observations.size();
        double[] mse = new double[count];
        double iterations = 0;
        double flop = 0;
        int window = setting.earlyStop().enabled() ? setting.earlyStop().window() : 0;
        long start = System.nanoTime();
        for (int from = 0; from < count; from += batch) {
            int to = Math.min(count, from + batch);
            List<Estimate> out = solver.reconstruct(observations.subList(from, to));
            for (int i = from; i < to; i++) {
                Estimate e = out.get(i - from);
                float[] truth = data.images()[i];
                for (int p = 0; p < truth.length; p++) {
                    double d = truth[p] - e.image()[p];
                    mse[i] += d * d / truth.length;
                }
                iterations += e.iterations();
                // a csbgm record reports its z-stage steps plus the theta iterations
                flop += flops.zStage(op.m(), e.iterations() - theta, setting.restarts(), setting.warmStart(), window,
                        to - from) + thetaFlop;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double[] stats = meanAndStandardError(mse);
        Point p = new Point(op.m(), setting.label(), stats[0], stats[1], iterations / count, flop / count / 1e9,
                seconds, false);
        points.add(p);
        System.out.printf("  m=%-4d %-28s MSE %.5f +- %.5f  %7.1f row-iterations  %6.3f GFLOP/image  %6.1f s%n",
                p.m(), p.label(), p.mse(), p.standardError(), p.meanIterations(), p.gflopPerImage(), seconds);
        return p;
    }

    /**
     * Adds the papers' point at m from an {@code evaluate} results.csv (its {@code csgm} row), costed as
     * 10 random restarts x 1000 iterations with the evaluate run's batch. Returns null when the file has no such row.
     */
    public Point reuse(Path resultsCsv, int m, TradeoffPoint papers) throws IOException {
        List<String> lines = Files.readAllLines(resultsCsv);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            if (f[0].equals("csgm") && Integer.parseInt(f[1]) == m) {
                double rowIterations = (double) papers.restarts() * papers.iterations();
                double gflop = flops.zStage(m, rowIterations, papers.restarts(), papers.warmStart(), 0, batch) / 1e9;
                Point p = new Point(m, papers.label(), Double.parseDouble(f[2]), Double.parseDouble(f[3]),
                        rowIterations, gflop, Double.parseDouble(f[4]), true);
                points.add(p);
                System.out.printf("  m=%-4d %-28s MSE %.5f +- %.5f  (from %s)%n", m, p.label(), p.mse(),
                        p.standardError(), resultsCsv);
                return p;
            }
        }
        return null;
    }

    /**
     * Adds the point (m, setting) from an earlier tradeoff.csv instead of running it again; returns null when
     * that file has no such row.
     */
    public Point reuseEarlier(Path tradeoffCsv, int m, String label) throws IOException {
        List<String> lines = Files.readAllLines(tradeoffCsv);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            if (Integer.parseInt(f[0]) == m && f[1].equals(label)) {
                Point p = new Point(m, label, Double.parseDouble(f[2]), Double.parseDouble(f[3]),
                        Double.parseDouble(f[4]), Double.parseDouble(f[5]), Double.parseDouble(f[7]), true);
                points.add(p);
                System.out.printf("  m=%-4d %-28s MSE %.5f +- %.5f  (from %s)%n", m, label, p.mse(), p.standardError(),
                        tradeoffCsv);
                return p;
            }
        }
        return null;
    }

    public List<Point> points() {
        return List.copyOf(points);
    }

    static double[] meanAndStandardError(double[] values) {
        double mean = 0;
        for (double v : values) {
            mean += v / values.length;
        }
        double var = 0;
        for (double v : values) {
            var += (v - mean) * (v - mean) / Math.max(1, values.length - 1);
        }
        return new double[]{mean, Math.sqrt(var / values.length)};
    }

    /**
     * Writes tradeoff.csv, tradeoff.md (with the ratio of each point's GFLOP to the papers' point at its m) and
     * tradeoff.png and tradeoff-m{m}.png (MSE vs GFLOP/image, log x, one line per m and kind of start).
     */
    public void report(Path out, String papersLabel, String title) throws IOException {
        Files.createDirectories(out);
        Map<Integer, Point> papers = new LinkedHashMap<>();
        for (Point p : points) {
            if (p.label().equals(papersLabel)) {
                papers.put(p.m(), p);
            }
        }
        StringBuilder csv = new StringBuilder(
                "m,setting,mse,standard_error,row_iterations,gflop_per_image,ratio_to_papers,seconds,reused\n");
        StringBuilder md = new StringBuilder(title + "\n\n| m | setting | MSE +- SE | row-iterations/image | "
                + "GFLOP/image | papers' FLOPs / these | vs papers' MSE |\n|---|---|---|---|---|---|---|\n");
        for (Point p : points) {
            Point ref = papers.get(p.m());
            double ratio = ref == null ? Double.NaN : ref.gflopPerImage() / p.gflopPerImage();
            String verdict = ref == null || p == ref ? "-"
                    : p.mse() <= ref.mse() + ref.standardError() ? "within 1 SE" : "worse";
            csv.append(String.format("%d,%s,%.6f,%.6f,%.1f,%.4f,%.2f,%.1f,%s%n", p.m(), p.label(), p.mse(),
                    p.standardError(), p.meanIterations(), p.gflopPerImage(), ratio, p.seconds(), p.reused()));
            md.append(String.format("| %d | %s | %.5f +- %.5f | %.0f | %.3f | %s | %s |%n", p.m(), p.label(), p.mse(),
                    p.standardError(), p.meanIterations(), p.gflopPerImage(),
                    Double.isNaN(ratio) ? "-" : String.format("%.1fx", ratio), verdict));
        }
        Files.writeString(out.resolve("tradeoff.csv"), csv);
        Files.writeString(out.resolve("tradeoff.md"), md);
        System.out.println();
        System.out.print(md);

        chart(points, papersLabel, "").save(out.resolve("tradeoff.png"));
        for (int m : points.stream().map(Point::m).distinct().toList()) {
            chart(points.stream().filter(p -> p.m() == m).toList(), papersLabel, ", m=" + m)
                    .save(out.resolve("tradeoff-m" + m + ".png"));
        }
        System.out.println("wrote " + out.toAbsolutePath());
    }

    /** MSE vs GFLOP/image, log x, one line per m and kind of start. */
    private static Charts.LineChart chart(List<Point> points, String papersLabel, String titleSuffix) {
        Map<String, List<Point>> lines = new LinkedHashMap<>();
        for (Point p : points) {
            lines.computeIfAbsent("m=" + p.m() + " " + family(p.label(), papersLabel), k -> new ArrayList<>()).add(p);
        }
        Charts.LineChart chart = Charts.line("Fashion-MNIST: MSE vs compute" + titleSuffix)
                .xLabel("GFLOP per image (analytic)").yLabel("per-pixel MSE").logX(true);
        for (Map.Entry<String, List<Point>> e : lines.entrySet()) {
            List<Point> ps = e.getValue().stream().sorted(Comparator.comparingDouble(Point::gflopPerImage)).toList();
            chart.series(e.getKey(), ps.stream().mapToDouble(Point::gflopPerImage).toArray(),
                    ps.stream().mapToDouble(Point::mse).toArray(),
                    ps.stream().mapToDouble(Point::standardError).toArray());
        }
        return chart;
    }

    /** The line a setting belongs to: the papers' point, or its kind of start (any R, I, K, tolerance). */
    static String family(String label, String papersLabel) {
        if (label.equals(papersLabel)) {
            return "papers (10x1000)";
        }
        String[] parts = label.split("/");
        String warm = parts.length > 1 ? parts[1].replaceAll(":.*", "").replaceAll("\\+.*", "") : "random";
        return warm + " start" + (label.contains("+") ? " + theta" : "");
    }
}
