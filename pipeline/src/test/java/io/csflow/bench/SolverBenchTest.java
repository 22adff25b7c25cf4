package io.csflow.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.csflow.core.prior.VaePrior;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bench's logic in --quick mode: every expected row, positive figures; no timing asserts. */
class SolverBenchTest {

    @Test
    void quickBenchHasEveryRowWithPositiveFigures() {
        // a fresh prior of the real shape: the test does not depend on the shipped model file
        VaePrior prior = VaePrior.initialise(784, 500, 20, 1);
        SolverBench.Config c = SolverBench.Config.quickConfig();
        SolverBench bench = new SolverBench(prior, c, new PrintStream(new ByteArrayOutputStream()));
        SolverBench.Report report = bench.run();

        assertEquals(c.peakSizes().length, report.section(SolverBench.PEAK).size());
        assertTrue(report.peakGflops() > 0);
        assertEquals(11, report.section(SolverBench.SHAPES).size(), "3 forward, A x, A^T r, 3 backward, 3 weight gradients");
        assertEquals(c.batches().length * c.ms().length, report.section(SolverBench.ITERATION).size());

        List<SolverBench.Row> solver = report.section(SolverBench.SOLVER);
        assertEquals(4 * c.batches().length * c.ms().length + 1, solver.size());
        for (String method : List.of("csgm", "csbgm-record", "csbgm-batch", "csbgm-lowrank")) {
            for (int b : c.batches()) {
                for (int m : c.ms()) {
                    String label = method + " B=" + b + " m=" + m;
                    assertTrue(solver.stream().anyMatch(r -> r.label().equals(label)), label + " missing");
                }
            }
        }
        for (SolverBench.Row r : solver) {
            assertTrue(r.gflops() > 0 && r.peakFraction() > 0 && r.recsPerSec() > 0 && r.seconds() > 0, r.toString());
        }
        assertEquals(5, report.section(SolverBench.SCALING).size());
        for (SolverBench.Row r : report.section(SolverBench.SCALING)) {
            assertTrue(r.gflops() > 0, r.toString());
        }

        String table = BenchTable.table(report);
        assertTrue(table.contains("csbgm-batch B=4 m=20"), table);
        assertTrue(table.contains("2D + 4mn"), table);
        String md = BenchTable.markdown(report, "quick", List.of("load"));
        assertTrue(md.startsWith("# csflow bench"), md);
        assertTrue(md.contains("CPU: ") && md.contains("Java: ") && md.contains("nproc: "), md);
    }

    @Test
    void flopFormulaMatchesTheBrief() {
        VaePrior prior = VaePrior.initialise(784, 500, 20, 1);
        SolverBench bench = new SolverBench(prior, SolverBench.Config.quickConfig(), System.err);
        long d = 2L * (20 * 500 + 500 * 500 + 500 * 784);
        assertEquals(d, bench.decoderFlops());
        assertEquals(2 * d + 4L * 200 * 784, bench.zIterationFlops(200));
        assertEquals(3 * d + 4L * 200 * 784, bench.thetaIterationFlops(200));
    }
}
