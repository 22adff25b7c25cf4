package io.csflow.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.csflow.io.ImageGrids.Scaling;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageGridsTest {

    @TempDir
    Path tmp;

    private static float[] constant(float v) {
        float[] a = new float[28 * 28];
        java.util.Arrays.fill(a, v);
        return a;
    }

    private static int grey(BufferedImage img, int x, int y) {
        int rgb = img.getRGB(x, y) & 0xffffff;
        int r = rgb >> 16;
        assertEquals(r, (rgb >> 8) & 0xff, "grey pixel at " + x + "," + y);
        assertEquals(r, rgb & 0xff, "grey pixel at " + x + "," + y);
        return r;
    }

    @Test
    void comparisonGrid() throws IOException {
        float[] truth0 = constant(0f);
        truth0[0] = 1f; // top-left pixel white
        float[] truth1 = constant(0.5f);
        float[] rec0 = constant(0.2f);
        float[] rec1 = constant(2f); // clamped to white
        rec1[28 * 28 - 1] = Float.NaN; // bottom-right pixel red
        float[] unc0 = constant(0.1f);
        float[] unc1 = constant(0.3f);
        unc1[1] = 0.2f;
        Path file = tmp.resolve("out/grid.png");
        int scale = 3;
        ImageGrids.writeComparison(file, List.of(truth0, truth1), List.of(rec0, rec1), List.of(unc0, unc1), Float.NaN,
                28, 28, scale);

        BufferedImage img = ImageIO.read(file.toFile());
        int cell = 28 * scale;
        assertEquals(3 * cell + 2, img.getWidth());
        assertEquals(2 * cell + 1, img.getHeight());
        // truth column
        assertEquals(255, grey(img, 0, 0));
        assertEquals(255, grey(img, scale - 1, scale - 1));
        assertEquals(0, grey(img, scale, 0));
        assertEquals(128, grey(img, 5, cell + 1 + 5)); // 0.5 -> round(127.5)
        // separators
        assertEquals(ImageGrids.SEPARATOR_RGB, img.getRGB(cell, 0) & 0xffffff);
        assertEquals(ImageGrids.SEPARATOR_RGB, img.getRGB(0, cell) & 0xffffff);
        // reconstruction column
        int x1 = cell + 1;
        assertEquals(51, grey(img, x1 + 10, 10));
        assertEquals(255, grey(img, x1 + 10, cell + 1 + 10));
        assertEquals(ImageGrids.NON_FINITE_RGB, img.getRGB(x1 + cell - 1, 2 * cell) & 0xffffff);
        // uncertainty column: min-max over the whole column, 0.1 -> black, 0.3 -> white, 0.2 -> middle
        int x2 = 2 * (cell + 1);
        assertEquals(0, grey(img, x2 + 7, 7));
        assertEquals(255, grey(img, x2 + 7, cell + 1 + 7));
        assertEquals(127.5, grey(img, x2 + scale, cell + 1), 0.5); // float rounding of 0.1/0.2
    }

    @Test
    void fixedUncertaintyScaleAndEmptyCells() {
        BufferedImage img = ImageGrids.grid(List.<float[][]>of(new float[][] {constant(0.25f), null}), 28, 28,
                List.of(Scaling.upTo(0.5f), Scaling.unit()), 1);
        assertEquals(57, img.getWidth());
        assertEquals(28, img.getHeight());
        assertEquals(128, grey(img, 3, 3));
        assertEquals(ImageGrids.SEPARATOR_RGB, img.getRGB(40, 10) & 0xffffff);
    }

    @Test
    void singleImage() throws IOException {
        float[] x = new float[6]; // 2 rows x 3 cols
        x[2] = 1f; // row 0, col 2
        x[3] = 0.6f; // row 1, col 0
        Path file = tmp.resolve("one.png");
        ImageGrids.writeImage(file, x, 2, 3, 4);
        BufferedImage img = ImageIO.read(file.toFile());
        assertEquals(12, img.getWidth());
        assertEquals(8, img.getHeight());
        assertEquals(255, grey(img, 8, 0));
        assertEquals(255, grey(img, 11, 3));
        assertEquals(153, grey(img, 0, 4));
        assertEquals(0, grey(img, 4, 4));
    }

    @Test
    void badShapesAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> ImageGrids.grid(List.<float[][]>of(new float[][] {new float[5]}), 2, 3, List.of(Scaling.unit()), 1));
        assertThrows(IllegalArgumentException.class,
                () -> ImageGrids.grid(List.<float[][]>of(new float[][] {new float[6]}), 2, 3, List.of(Scaling.unit(), Scaling.unit()), 1));
        assertThrows(IllegalArgumentException.class, () -> Scaling.upTo(0f));
    }
}
