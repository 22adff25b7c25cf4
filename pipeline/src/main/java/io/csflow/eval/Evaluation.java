package io.csflow.eval;

import io.csflow.core.operator.MeasurementOperator;
import io.csflow.core.prior.VaePrior;
import io.csflow.core.solver.Estimate;
import io.csflow.core.solver.Observation;
import io.csflow.core.solver.Reconstructor;
import io.csflow.core.solver.SolverCatalog;
import io.csflow.core.solver.SolverOptions;
import io.csflow.data.FashionMnist;
import io.csflow.io.ImageGrids;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Runs methods on a fixed set of test images under one protocol and reports per-pixel MSE (mean and
 * standard error over images), speed and uncertainty calibration.
 */
public final class Evaluation {

    /** What one method achieved at one m. */
    public record Result(String method, int m, double mse, double standardError, double seconds,
                         double recordsPerSecond, double calibration, double meanUncertainty,
                         List<float[]> images, List<float[]> uncertainty) {
    }

    private static final int GRID_IMAGES = 8;

    private final VaePrior prior;
    private final FashionMnist.Dataset data;
    private final SolverOptions options;
    private final int batch;
    private final float noise;
    private final long seed;
    private final List<Result> results = new ArrayList<>();

    public Evaluation(VaePrior prior, FashionMnist.Dataset data, SolverOptions options, int batch, float noise, long seed) {
        if (batch < 1) {
            throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
        }
        this.prior = prior;
        this.data = data;
        this.options = options;
        this.batch = batch;
        this.noise = noise;
        this.seed = seed;
    }

    /** y_i = A x_i + noise * eps_i, with eps_i from a stream seeded by the image index, the same for every method. */
    public List<Observation> observe(MeasurementOperator op) {
        int count = data.size();
        float[] flat = new float[count * op.n()];
        for (int i = 0; i < count; i++) {
            System.arraycopy(data.images()[i], 0, flat, i * op.n(), op.n());
        }
        INDArray y = Nd4j.create(DataType.FLOAT, count, op.m());
        op.forward(Nd4j.create(flat, new long[]{count, op.n()}, 'c'), y);
        List<Observation> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            float[] yi = y.getRow(i).toFloatVector();
            Random rnd = new Random(seed * 7919 + i);
            for (int j = 0; j < yi.length; j++) {
                yi[j] += (float) (noise * rnd.nextGaussian());
            }
            out.add(new Observation(op, yi, noise));
        }
        return out;
    }

    public Result run(String method, MeasurementOperator op) {
        Reconstructor solver = SolverCatalog.create(method, prior, options);
        List<Observation> observations = observe(op);
        List<Estimate> estimates = new ArrayList<>();
        long start = System.nanoTime();
        for (int from = 0; from < observations.size(); from += batch) {
            estimates.addAll(solver.reconstruct(observations.subList(from, Math.min(observations.size(), from + batch))));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        int count = estimates.size();
        double[] mse = new double[count];
        long inside = 0;
        double uncertaintySum = 0;
        boolean hasUncertainty = false;
        List<float[]> images = new ArrayList<>();
        List<float[]> uncertainty = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            float[] truth = data.images()[i];
            Estimate e = estimates.get(i);
            for (int p = 0; p < truth.length; p++) {
                double d = truth[p] - e.image()[p];
                mse[i] += d * d;
                uncertaintySum += e.uncertainty()[p];
                hasUncertainty |= e.uncertainty()[p] > 0;
                if (Math.abs(d) <= 2 * e.uncertainty()[p]) {
                    inside++;
                }
            }
            mse[i] /= truth.length;
            if (i < GRID_IMAGES) {
                images.add(e.image());
                uncertainty.add(e.uncertainty());
            }
        }
        double mean = 0;
        for (double v : mse) {
            mean += v / count;
        }
        double var = 0;
        for (double v : mse) {
            var += (v - mean) * (v - mean) / Math.max(1, count - 1);
        }
        long pixels = (long) count * op.n();
        Result r = new Result(method, op.m(), mean, Math.sqrt(var / count), seconds, count / seconds,
                hasUncertainty ? (double) inside / pixels : Double.NaN,
                hasUncertainty ? uncertaintySum / pixels : Double.NaN, images, uncertainty);
        results.add(r);
        System.out.printf("  %-13s m=%-4d MSE %.5f +- %.5f  %7.1f s  %7.2f rec/s%s%n", method, op.m(), mean, r.standardError(),
                seconds, r.recordsPerSecond(), hasUncertainty
                        ? String.format("  within 2 sd: %.1f%%  mean sd %.4f", 100 * r.calibration(), r.meanUncertainty()) : "");
        return r;
    }

    /**
     * Merges the results.csv of earlier runs (same protocol, e.g. the slow methods run apart) into one table
     * and plot, without reconstructing anything; later files win for the same method and m.
     */
    public static void combine(List<Path> folders, Path out, String title) throws IOException {
        Evaluation merged = new Evaluation(null, null, null, 1, 0f, 0);
        Map<String, Result> byKey = new LinkedHashMap<>();
        for (Path folder : folders) {
            List<String> lines = Files.readAllLines(folder.resolve("results.csv"));
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(",");
                Result r = new Result(f[0], Integer.parseInt(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3]),
                        Double.parseDouble(f[4]), Double.parseDouble(f[5]), Double.parseDouble(f[6]),
                        Double.parseDouble(f[7]), List.of(), List.of());
                byKey.put(r.method() + "@" + r.m(), r);
            }
        }
        merged.results.addAll(byKey.values());
        merged.results.sort(java.util.Comparator.comparingInt(Result::m));
        merged.report(out, title);
    }

    public List<Result> results() {
        return List.copyOf(results);
    }

    /** Prints the table and writes results.csv, results.md, mse-vs-m.png and one image grid per method and m. */
    public void report(Path out, String title) throws IOException {
        Files.createDirectories(out);
        Set<String> methods = new LinkedHashSet<>();
        Set<Integer> ms = new LinkedHashSet<>();
        Map<String, Result> byKey = new LinkedHashMap<>();
        StringBuilder csv = new StringBuilder("method,m,mse,standard_error,seconds,records_per_second,within_2sd,mean_sd\n");
        for (Result r : results) {
            methods.add(r.method());
            ms.add(r.m());
            byKey.put(r.method() + "@" + r.m(), r);
            csv.append(String.format("%s,%d,%.6f,%.6f,%.2f,%.3f,%.4f,%.5f%n", r.method(), r.m(), r.mse(), r.standardError(),
                    r.seconds(), r.recordsPerSecond(), r.calibration(), r.meanUncertainty()));
        }
        Files.writeString(out.resolve("results.csv"), csv);

        StringBuilder md = new StringBuilder("Per-pixel MSE (mean +- standard error) on " + title + ".\n\n| method |");
        for (int m : ms) {
            md.append(" m=").append(m).append(" |");
        }
        md.append(" rec/s (mean over m) | within 2 sd (mean over m) |\n|---|");
        md.append("---|".repeat(ms.size() + 2)).append('\n');
        for (String method : methods) {
            md.append("| ").append(method).append(" |");
            double rate = 0;
            double calib = 0;
            for (int m : ms) {
                Result r = byKey.get(method + "@" + m);
                md.append(r == null ? " - |" : String.format(" %.4f +- %.4f |", r.mse(), r.standardError()));
                if (r != null) {
                    rate += r.recordsPerSecond() / ms.size();
                    calib += r.calibration() / ms.size();
                }
            }
            md.append(String.format(" %.2f | %s |%n", rate, Double.isNaN(calib) ? "-" : String.format("%.1f%%", 100 * calib)));
        }
        Files.writeString(out.resolve("results.md"), md);
        System.out.println();
        System.out.print(md);

        Charts.LineChart chart = Charts.line("Fashion-MNIST: per-pixel MSE vs measurements").xLabel("m").yLabel("per-pixel MSE").logY(true);
        for (String method : methods) {
            List<Result> rs = results.stream().filter(r -> r.method().equals(method)).toList();
            chart.series(method, rs.stream().mapToDouble(Result::m).toArray(), rs.stream().mapToDouble(Result::mse).toArray(),
                    rs.stream().mapToDouble(Result::standardError).toArray());
        }
        chart.save(out.resolve("mse-vs-m.png"));

        List<float[]> truth = new ArrayList<>();
        for (int i = 0; data != null && i < Math.min(GRID_IMAGES, data.size()); i++) {
            truth.add(data.images()[i]);
        }
        for (Result r : results) {
            if (r.images().isEmpty()) {
                continue;
            }
            ImageGrids.writeComparison(out.resolve("grid-" + r.method() + "-m" + r.m() + ".png"), truth, r.images(),
                    Double.isNaN(r.calibration()) ? null : r.uncertainty(), Float.NaN, data.rows(), data.cols(), 3);
        }
        System.out.println("wrote " + out.toAbsolutePath());
    }
}
