package io.csflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressTest {

    @Test
    void logStylePrintsPlainAsciiLines() {
        List<String> lines = new ArrayList<>();
        try (Progress p = Progress.start("Loading", 10, lines::add, 60_000)) {
            for (int i = 0; i < 10; i++) {
                p.step();
            }
            p.message("done");
            assertEquals(10, p.current());
        }
        assertFalse(lines.isEmpty());
        String last = lines.get(lines.size() - 1);
        assertTrue(last.contains("Loading") && last.contains("100%") && last.contains("10/10") && last.contains("done"), last);
        for (String l : lines) {
            assertFalse(l.contains("\r") || l.contains("\u001b"), "no carriage returns or ANSI codes in logs: " + l);
            assertTrue(l.chars().allMatch(c -> c < 128), "ASCII only: " + l);
        }
        assertTrue(lines.size() <= 3, "a slow update interval keeps logs short: " + lines);
    }

    @Test
    void noneDoesNothing() {
        try (Progress p = Progress.none()) {
            p.step().stepBy(5).message("x").total(3);
            assertEquals(0, p.current());
        }
    }
}
