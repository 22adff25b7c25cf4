package io.csflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.csflow.data.FashionMnist;
import io.csflow.data.Idx;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MainTest {

    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        CommandLine cli = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void helpListsTheCommands() {
        Run r = run("--help");
        assertEquals(0, r.exit());
        assertTrue(r.out().contains("Usage: csflow"), r.out());
        assertTrue(r.out().contains("dataset-info"), r.out());
        assertEquals(0, run("help", "dataset-info").exit());
    }

    @Test
    void version() {
        Run r = run("--version");
        assertEquals(0, r.exit());
        assertTrue(r.out().startsWith("csflow "), r.out());
    }

    @Test
    void noCommandIsAUsageError() {
        Run r = run();
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("Missing command"), r.err());
    }

    @Test
    void expectedErrorsPrintTheMessageWithoutStackTrace() {
        Path missing = tmp.resolve("nowhere");
        Run r = run("dataset-info", "--dir", missing.toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("csflow dataset-info: Fashion-MNIST not found"), r.err());
        assertTrue(r.err().contains(missing.toString()), r.err());
        assertTrue(r.err().contains("sudo apt-get install dataset-fashion-mnist"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @Test
    void bugsKeepTheirStackTrace() throws Exception {
        CommandLine cli = Main.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        int exit = new Main.ErrorHandler().handleExecutionException(new IllegalStateException("bad setup"), cli, null);
        assertEquals(1, exit);
        assertTrue(err.toString().contains("csflow: bad setup"), err.toString());
        try {
            new Main.ErrorHandler().handleExecutionException(new NullPointerException("x"), cli, null);
            throw new AssertionError("a NullPointerException must not be swallowed");
        } catch (NullPointerException expected) {
            // picocli prints its stack trace
        }
    }

    @Test
    void datasetInfoOnASmallFolder() throws IOException {
        for (FashionMnist.Split s : FashionMnist.Split.values()) {
            Idx.writeImages(tmp.resolve(s.imagesFile() + ".gz"), new float[3][784], 28, 28);
            Idx.writeLabels(tmp.resolve(s.labelsFile()), new int[] {0, 9, 9});
        }
        Run r = run("dataset-info", "--dir", tmp.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains(tmp.toAbsolutePath() + " (given with --dir)"), r.out());
        assertTrue(r.out().contains("train-images-idx3-ubyte.gz"), r.out());
        assertTrue(r.out().matches("(?s).*9  Ankle boot\\s+2\\s+2\\n.*"), r.out());
    }

    @Test
    void datasetInfoOnTheRealData() {
        assumeTrue(FashionMnist.locate(FashionMnist.directory(), FashionMnist.Split.TRAIN.imagesFile()) != null,
                "Fashion-MNIST not installed; run ops/setup.sh");
        Run r = run("dataset-info");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().matches("(?s).*total\\s+60000\\s+10000.*"), r.out());
    }
}
