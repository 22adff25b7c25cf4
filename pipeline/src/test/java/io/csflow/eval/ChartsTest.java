package io.csflow.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartsTest {

    @TempDir
    Path tmp;

    @Test
    void logChartWithErrorBars() throws IOException {
        double[] m = {50, 100, 200, 400};
        Path file = tmp.resolve("charts/mse.png");
        Charts.line("MSE vs m")
                .xLabel("m").yLabel("per-pixel MSE").logY(true).size(640, 480)
                .series("csgm", m, new double[] {0.05, 0.03, 0.02, 0.015}, new double[] {0.01, 0.005, 0.004, 0.002})
                .series("lasso-dct", m, new double[] {0.2, 0.1, 0.05, 0.02})
                .save(file);
        BufferedImage img = ImageIO.read(file.toFile());
        assertEquals(640, img.getWidth());
        assertEquals(480, img.getHeight());
        assertTrue(java.awt.GraphicsEnvironment.isHeadless());
        assertTrue(colours(img) > 3, "the chart has lines, not a blank canvas");
    }

    @Test
    void linearChartDefaultSize() throws IOException {
        Path file = tmp.resolve("lin.png");
        Charts.saveLineChart(file, "latency", "records", "ms", false,
                List.of(new Charts.Series("p50", new double[] {1, 2, 3}, new double[] {-1, 0, 2})));
        BufferedImage img = ImageIO.read(file.toFile());
        assertEquals(Charts.DEFAULT_WIDTH, img.getWidth());
        assertEquals(Charts.DEFAULT_HEIGHT, img.getHeight());
    }

    @Test
    void invalidInputIsExplained() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Charts.line("t").logY(true)
                .series("s", new double[] {1, 2}, new double[] {1, 0}).build());
        assertTrue(e.getMessage().contains("logarithmic y axis"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Charts.Series("s", new double[] {1}, new double[] {1, 2}));
        assertThrows(IllegalArgumentException.class, () -> Charts.line("t").build());
    }

    private static int colours(BufferedImage img) {
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 3) {
            for (int x = 0; x < img.getWidth(); x += 3) {
                seen.add(img.getRGB(x, y));
            }
        }
        return seen.size();
    }
}
