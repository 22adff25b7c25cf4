package io.csflow.eval;

import io.csflow.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Smoke test of {@code csflow drift --quick}: it runs, writes the table and plot, 7 configs, finite numbers. */
class DriftExperimentTest {

    @Test
    void quickRunWritesSevenFiniteRowsAndAPlot(@TempDir Path dir) throws Exception {
        int rc = new CommandLine(new Main()).execute("drift", "--quick", "--out", dir.toString());
        assertEquals(0, rc);
        for (String f : List.of("drift.md", "drift.csv", "drift-curves.csv", "drift-worst.png")) {
            assertTrue(Files.size(dir.resolve(f)) > 0, f + " is written");
        }
        List<String> csv = Files.readAllLines(dir.resolve("drift.csv"));
        assertEquals(8, csv.size(), "header + 7 configs");
        assertTrue(csv.get(0).startsWith("config,weighting,anti_pgd,coarse_mse,fine_mse,worst_mse"));
        for (String line : csv.subList(1, csv.size())) {
            String[] p = line.split(",");
            for (int i = 3; i <= 5; i++) {
                double v = Double.parseDouble(p[i]);
                assertTrue(Double.isFinite(v) && v >= 0, line);
            }
        }
        String md = Files.readString(dir.resolve("drift.md"));
        for (String c : List.of("| none |", "| linear |", "| linear+apgd |", "| mgda |", "| mgda+apgd |",
                "| nash-mtl |", "| nash-mtl+apgd |")) {
            assertTrue(md.contains(c), c);
        }
        byte[] png = Files.readAllBytes(dir.resolve("drift-worst.png"));
        assertEquals((byte) 0x89, png[0]);
        assertEquals('P', png[1]);
    }
}
