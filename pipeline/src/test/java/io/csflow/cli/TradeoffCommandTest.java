package io.csflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.csflow.core.solver.EarlyStop;
import io.csflow.core.solver.WarmStart;
import io.csflow.data.FashionMnist;
import io.csflow.eval.TradeoffPoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** csflow tradeoff and the z-stage options through the real command line. */
class TradeoffCommandTest {

    @TempDir
    Path tmp;

    @Test
    void theCurveReusesThePapersPointAndCountsEachSettingsIterations() throws Exception {
        assumeTrue(FashionMnist.locate(FashionMnist.directory(), FashionMnist.Split.TEST.imagesFile()) != null,
                "Fashion-MNIST is not installed");
        Path papers = tmp.resolve("papers");
        Files.createDirectories(papers);
        Files.writeString(papers.resolve("results.csv"), "method,m,mse,standard_error,seconds,records_per_second,"
                + "within_2sd,mean_sd\ncsgm,30,0.050000,0.005000,100.00,0.100,NaN,NaN\n");
        Path out = tmp.resolve("curve");
        MainTest.Run r = MainTest.run("tradeoff", "--images", "6", "--m", "30", "--batch", "4",
                "--settings", "10x1000,1x8,1x8/bank:64,2x40/bank:64/0.99", "--early-stop-window", "4",
                "--papers-results", papers.toString(), "-o", out.toString());
        assertEquals(0, r.exit(), r.err());
        List<String> rows = Files.readAllLines(out.resolve("tradeoff.csv"));
        assertEquals(5, rows.size(), String.join("\n", rows));
        assertTrue(rows.get(1).startsWith("30,10x1000,0.050000,0.005000,10000.0,"), rows.get(1));
        assertTrue(rows.get(1).endsWith(",true"), "the papers' point is read, not recomputed: " + rows.get(1));
        assertTrue(rows.get(2).startsWith("30,1x8,") && rows.get(2).contains(",8.0,"), rows.get(2));
        // tolerance 0.99 over 4 iterations: every start stops at the first check, after 5 of its 40 steps
        assertTrue(rows.get(4).contains(",10.0,"), rows.get(4));
        double papersGflop = Double.parseDouble(rows.get(1).split(",")[5]);
        double ratio = Double.parseDouble(rows.get(2).split(",")[6]);
        double gflop = Double.parseDouble(rows.get(2).split(",")[5]);
        assertEquals(papersGflop / gflop, ratio, 0.01 * ratio);
        assertTrue(Files.size(out.resolve("tradeoff.png")) > 1000);
        assertTrue(Files.readString(out.resolve("tradeoff.md")).contains("| 30 | 1x8/bank:64 |"));

        // a second run reads the settings it already has and runs only the new one
        Path again = tmp.resolve("again");
        MainTest.Run r2 = MainTest.run("tradeoff", "--images", "6", "--m", "30", "--batch", "4",
                "--settings", "1x8,1x4/bank:64", "--reuse", out.toString(), "-o", again.toString());
        assertEquals(0, r2.exit(), r2.err());
        List<String> rows2 = Files.readAllLines(again.resolve("tradeoff.csv"));
        assertEquals(3, rows2.size(), String.join("\n", rows2));
        assertEquals(rows.get(2).split(",")[2], rows2.get(1).split(",")[2]);
        assertTrue(rows2.get(1).endsWith(",true") && rows2.get(2).endsWith(",false"), String.join("\n", rows2));
    }

    @Test
    void badSettingsAreUserErrorsThatSayWhatToWrite() {
        MainTest.Run r = MainTest.run("tradeoff", "--settings", "10by1000");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("setting '10by1000': expected RxI[/warm[/tol]], e.g. 10x1000 or 2x150/bank:4096/1e-3"),
                r.err());
        MainTest.Run w = MainTest.run("evaluate", "--warm-start", "bnak", "--images", "1");
        assertEquals(1, w.exit());
        assertTrue(w.err().contains("unknown warm start 'bnak': expected random, encoder, bank or bank:K"), w.err());
        MainTest.Run t = MainTest.run("evaluate", "--early-stop-tol", "2", "--images", "1");
        assertEquals(1, t.exit());
        assertTrue(t.err().contains("--early-stop-tol / --early-stop-window: early-stop tolerance must be in [0, 1) "
                + "(0 turns stopping off), got 2.0"), t.err());
        MainTest.Run p = MainTest.run("tradeoff", "--papers-results", tmp.resolve("nowhere").toString());
        assertEquals(1, p.exit());
        assertTrue(p.err().contains("--papers-results: no results.csv at"), p.err());
    }

    @Test
    void aSettingReadsRestartsIterationsWarmStartAndTolerance() {
        TradeoffPoint p = TradeoffPoint.parse("2x150/bank:4096/1e-3", 25);
        assertEquals(new TradeoffPoint("2x150/bank:4096/1e-3", 2, 150, WarmStart.bank(4096), new EarlyStop(1e-3, 25), 0), p);
        assertEquals("csgm", p.method());
        assertTrue(TradeoffPoint.parse("10x1000", 25).isPapers());
        TradeoffPoint withTheta = TradeoffPoint.parse("1x200/bank/1e-3+150", 25);
        assertEquals(150, withTheta.thetaIterations());
        assertEquals("csbgm", withTheta.method());
        assertEquals(150, withTheta.options(io.csflow.core.solver.SolverOptions.defaults()).thetaIterations());
        assertFalse(TradeoffPoint.parse("10x1000+400", 25).isPapers());
        assertEquals("setting '1x200+x': T in +T must be a number of theta iterations, e.g. 1x200/bank/1e-3+200",
                org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                        () -> TradeoffPoint.parse("1x200+x", 25)).getMessage());
        assertEquals("setting '2xmany': R, I and tol must be numbers, e.g. 2x150/bank/1e-3",
                org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                        () -> TradeoffPoint.parse("2xmany", 25)).getMessage());
    }
}
