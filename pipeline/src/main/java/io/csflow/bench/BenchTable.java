package io.csflow.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Prints a {@link SolverBench.Report} as a plain-text table or markdown, with what the machine is. */
public final class BenchTable {

    private BenchTable() {
    }

    private static final String[][] SECTIONS = {
        {SolverBench.PEAK, "fp32 GEMM peak (Nd4j.gemm, preallocated output, square)"},
        {SolverBench.SHAPES, "GEMM at the solver's shapes, one product at a time"},
        {SolverBench.ITERATION, "GEMM-only z iteration (all its products back to back, no element-wise work)"},
        {SolverBench.SOLVER, "Solver"},
        {SolverBench.SCALING, "Scaling, 1 vs 2 threads"},
    };

    /** One markdown table per section (markdown reads fine as plain text too). */
    public static String table(SolverBench.Report report) {
        StringBuilder s = new StringBuilder();
        for (String[] sec : SECTIONS) {
            List<SolverBench.Row> rows = report.section(sec[0]);
            if (rows.isEmpty()) {
                continue;
            }
            s.append("\n### ").append(sec[1]).append("\n\n");
            boolean solver = sec[0].equals(SolverBench.SOLVER) || sec[0].equals(SolverBench.SCALING);
            if (solver) {
                s.append("| run | GFLOP/s | % of peak | recs/s | s/call | note |\n|---|---:|---:|---:|---:|---|\n");
            } else {
                s.append("| product | GFLOP/s | % of peak | s/call | note |\n|---|---:|---:|---:|---|\n");
            }
            for (SolverBench.Row r : rows) {
                s.append("| ").append(r.label()).append(" | ").append(num(r.gflops(), "%.2f"))
                        .append(" | ").append(num(100 * r.peakFraction(), "%.1f%%"));
                if (solver) {
                    s.append(" | ").append(num(r.recsPerSec(), "%.2f"));
                }
                s.append(" | ").append(num(r.seconds(), "%.4g")).append(" | ").append(r.note()).append(" |\n");
            }
        }
        s.append("\nPeak used for the fractions: ").append(String.format("%.1f", report.peakGflops()))
                .append(" GFLOP/s. Threads: ").append(report.threads()).append(".\n");
        s.append("\nFLOP count: ").append(report.formula()).append("\n");
        for (String n : report.notes()) {
            s.append("\n").append(n).append("\n");
        }
        return s.toString();
    }

    /** The markdown file: title, date, machine, settings, the table. */
    public static String markdown(SolverBench.Report report, String settings, List<String> load) {
        StringBuilder s = new StringBuilder();
        s.append("# csflow bench, ").append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))
                .append("\n\n");
        for (String line : machine()) {
            s.append("* ").append(line).append("\n");
        }
        s.append("* settings: ").append(settings).append("\n");
        for (String line : load) {
            s.append("* ").append(line).append("\n");
        }
        s.append(table(report));
        return s.toString();
    }

    public static void write(Path file, String markdown) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        Files.writeString(file, markdown);
    }

    /** nproc, CPU model, Java version. */
    public static List<String> machine() {
        List<String> out = new ArrayList<>();
        String nproc = command("nproc");
        out.add("nproc: " + (nproc.isBlank() ? Runtime.getRuntime().availableProcessors() + " (JVM)" : nproc.trim()));
        String model = "unknown";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    model = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        out.add("CPU: " + model);
        out.add("Java: " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")");
        return out;
    }

    /** Load average and the busiest other processes now: what else was running. */
    public static String load() {
        String avg = "";
        try {
            avg = Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        long self = ProcessHandle.current().pid();
        StringBuilder busy = new StringBuilder();
        String ps = command("ps", "-eo", "pid,pcpu,comm", "--sort=-pcpu");
        int shown = 0;
        for (String line : ps.split("\n")) {
            String[] f = line.trim().split("\\s+", 3);
            if (f.length < 3 || f[0].equals("PID") || f[0].equals(String.valueOf(self)) || f[2].equals("ps")) {
                continue;
            }
            try {
                if (Double.parseDouble(f[1]) < 5 || shown >= 4) {
                    continue;
                }
            } catch (NumberFormatException e) {
                continue;
            }
            busy.append(busy.length() == 0 ? "" : ", ").append(f[2]).append(" ").append(f[1]).append("%");
            shown++;
        }
        return "loadavg " + avg + "; other processes >= 5% CPU (lifetime average): "
                + (busy.length() == 0 ? "none" : busy);
    }

    /** CPU time of the whole machine and of this process, from /proc (jiffies); zeros off Linux. */
    public record CpuSnapshot(long machineBusy, long machineTotal, long self, long nanos) {

        public static CpuSnapshot now() {
            long busy = 0;
            long total = 0;
            long self = 0;
            try {
                String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
                for (int i = 1; i < f.length && i <= 8; i++) {
                    long v = Long.parseLong(f[i]);
                    total += v;
                    if (i != 4 && i != 5) { // idle, iowait
                        busy += v;
                    }
                }
                String stat = Files.readString(Path.of("/proc/self/stat"));
                String[] g = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
                self = Long.parseLong(g[11]) + Long.parseLong(g[12]); // utime, stime
            } catch (IOException | RuntimeException e) {
                // not Linux
            }
            return new CpuSnapshot(busy, total, self, System.nanoTime());
        }

        /** "during the run: machine X% busy of N cores, this JVM Y cores, others Z cores". */
        public String since(CpuSnapshot start) {
            long total = machineTotal - start.machineTotal;
            if (total <= 0) {
                return "CPU use during the run: not available";
            }
            int cores = Runtime.getRuntime().availableProcessors();
            double busyCores = cores * (double) (machineBusy - start.machineBusy) / total;
            double selfCores = cores * (double) (self - start.self) / total;
            return String.format("CPU use during the run (%.0f s, /proc/stat): machine %.2f of %d cores busy, "
                    + "this JVM %.2f cores, everything else %.2f cores", (nanos - start.nanos) / 1e9, busyCores, cores,
                    selfCores, Math.max(0, busyCores - selfCores));
        }
    }

    private static String command(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor(5, TimeUnit.SECONDS);
            return out;
        } catch (IOException | RuntimeException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static String num(double v, String fmt) {
        return Double.isNaN(v) ? "" : String.format(fmt, v);
    }
}
