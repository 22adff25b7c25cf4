package io.csflow.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's first command, shortened: broker, job, sensors and consumer in one process. */
class DemoCommandTest {

    @TempDir
    Path tmp;

    @Test
    void demoReconstructsEveryFrameOnceAndWritesPngsAndASummary() throws IOException {
        Path out = tmp.resolve("demo");
        MainTest.Run r = MainTest.run("demo", "--frames", "2", "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        String summary = Files.readString(out.resolve("summary.txt"));
        assertTrue(summary.matches("(?s).*records:\\s+8 .*"), summary);
        assertTrue(summary.matches("(?s).*duplicates:\\s+0 .*"), summary);
        try (Stream<Path> files = Files.walk(out)) {
            assertEquals(8, files.filter(p -> p.toString().endsWith(".png")).count());
        }
        // every frame carried its truth: the consumer reports the error, and it is that of a real reconstruction
        java.util.regex.Matcher mse = java.util.regex.Pattern.compile("mean mse:\\s+([0-9.]+) over 8 records").matcher(summary);
        assertTrue(mse.find(), summary);
        assertTrue(Double.parseDouble(mse.group(1)) < 0.05, "mean mse " + mse.group(1));
    }
}
