package io.csflow.io;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * PNG pictures of images given as row-major float arrays: a single image, or a grid whose rows are examples and
 * whose columns are, for instance, truth | reconstruction | uncertainty.
 *
 * <p>Pixels are grey, value {@code v} mapped by the column's {@link Scaling} to [0,1] and then to
 * {@code round(255 * v)} (0 black, 1 white; values outside the range are clamped). Non-finite values are drawn
 * {@linkplain #NON_FINITE_RGB red} so they cannot pass for data. Each image pixel becomes a
 * {@code scale x scale} block (nearest neighbour); cells are separated by 1-pixel lines of
 * {@linkplain #SEPARATOR_RGB blue} (not scaled), and a missing cell ({@code null}) is filled with that blue.
 */
public final class ImageGrids {

    /** Colour of the 1-pixel lines between cells and of empty cells. */
    public static final int SEPARATOR_RGB = 0x3C78D8;
    /** Colour of NaN and infinite pixels. */
    public static final int NON_FINITE_RGB = 0xFF0000;

    private ImageGrids() {
    }

    /** How the values of one column are mapped to grey levels. */
    public sealed interface Scaling {
        /** Values in [0,1] as they are: for images. */
        static Scaling unit() {
            return new Range(0f, 1f);
        }

        /** [0, max] to black..white: e.g. uncertainties of several figures on one common scale. */
        static Scaling upTo(float max) {
            return new Range(0f, max);
        }

        /** The smallest finite value of the whole column to black, the largest to white (one scale per column, so rows compare). */
        static Scaling minMax() {
            return new MinMax();
        }

        /** [lo, hi] to black..white. */
        record Range(float lo, float hi) implements Scaling {
            public Range {
                if (!Float.isFinite(lo) || !Float.isFinite(hi) || !(hi > lo)) {
                    throw new IllegalArgumentException("scaling range must be finite with hi > lo, got [" + lo + ", " + hi + "]");
                }
            }
        }

        /** Min-max over the column's finite values. */
        record MinMax() implements Scaling {
        }
    }

    /**
     * Draws a grid.
     *
     * @param rows one array per grid row, holding one image (row-major, {@code imageRows * imageCols} values) per
     *     column, or {@code null} for an empty cell; all rows have {@code columns.size()} cells
     * @param columns the scaling of each column
     * @param scale each image pixel becomes scale x scale output pixels (>= 1)
     */
    public static BufferedImage grid(List<float[][]> rows, int imageRows, int imageCols, List<Scaling> columns, int scale) {
        if (rows == null || rows.isEmpty()) {
            throw new IllegalArgumentException("an image grid needs at least one row");
        }
        if (columns == null || columns.isEmpty()) {
            throw new IllegalArgumentException("an image grid needs at least one column");
        }
        checkSize(imageRows, imageCols, scale);
        int nCols = columns.size();
        int n = imageRows * imageCols;
        for (int r = 0; r < rows.size(); r++) {
            float[][] row = rows.get(r);
            if (row == null || row.length != nCols) {
                throw new IllegalArgumentException("grid row " + r + " has " + (row == null ? 0 : row.length)
                        + " cells, expected " + nCols + " (one per column)");
            }
            for (int c = 0; c < nCols; c++) {
                if (row[c] != null && row[c].length != n) {
                    throw new IllegalArgumentException("grid cell (" + r + ", " + c + ") has " + row[c].length
                            + " values, expected " + imageRows + "x" + imageCols + "=" + n);
                }
            }
        }
        float[] lo = new float[nCols];
        float[] hi = new float[nCols];
        for (int c = 0; c < nCols; c++) {
            Scaling s = columns.get(c);
            if (s instanceof Scaling.Range range) {
                lo[c] = range.lo();
                hi[c] = range.hi();
            } else {
                float min = Float.POSITIVE_INFINITY;
                float max = Float.NEGATIVE_INFINITY;
                for (float[][] row : rows) {
                    if (row[c] != null) {
                        for (float v : row[c]) {
                            if (Float.isFinite(v)) {
                                min = Math.min(min, v);
                                max = Math.max(max, v);
                            }
                        }
                    }
                }
                lo[c] = Float.isFinite(min) ? min : 0f;
                hi[c] = Float.isFinite(max) ? max : 0f;
            }
        }
        int cellW = imageCols * scale;
        int cellH = imageRows * scale;
        int width = nCols * cellW + (nCols - 1);
        int height = rows.size() * cellH + (rows.size() - 1);
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        fill(out, 0, 0, width, height, SEPARATOR_RGB);
        for (int r = 0; r < rows.size(); r++) {
            for (int c = 0; c < nCols; c++) {
                float[] img = rows.get(r)[c];
                if (img != null) {
                    draw(out, c * (cellW + 1), r * (cellH + 1), img, imageRows, imageCols, lo[c], hi[c], scale);
                }
            }
        }
        return out;
    }

    /** Draws a grid (see {@link #grid}) and writes it as a PNG; parent folders are created. */
    public static void writeGrid(Path file, List<float[][]> rows, int imageRows, int imageCols, List<Scaling> columns,
            int scale) throws IOException {
        writePng(grid(rows, imageRows, imageCols, columns, scale), file);
    }

    /**
     * The usual figure: one row per example, columns truth | reconstruction | uncertainty. Truth and reconstruction
     * are drawn as [0,1] images; uncertainty on [0, uncertaintyMax], or min-max over all its cells when
     * {@code uncertaintyMax} is NaN or not positive. A list may be null (e.g. no truth): that column is left out.
     */
    public static void writeComparison(Path file, List<float[]> truth, List<float[]> reconstruction,
            List<float[]> uncertainty, float uncertaintyMax, int imageRows, int imageCols, int scale) throws IOException {
        List<List<float[]>> cols = new ArrayList<>();
        List<Scaling> scalings = new ArrayList<>();
        if (truth != null) {
            cols.add(truth);
            scalings.add(Scaling.unit());
        }
        if (reconstruction != null) {
            cols.add(reconstruction);
            scalings.add(Scaling.unit());
        }
        if (uncertainty != null) {
            cols.add(uncertainty);
            scalings.add(uncertaintyMax > 0 && Float.isFinite(uncertaintyMax) ? Scaling.upTo(uncertaintyMax) : Scaling.minMax());
        }
        if (cols.isEmpty()) {
            throw new IllegalArgumentException("nothing to draw: truth, reconstruction and uncertainty are all null");
        }
        int n = cols.get(0).size();
        for (List<float[]> col : cols) {
            if (col.size() != n) {
                throw new IllegalArgumentException("columns have different lengths: " + n + " and " + col.size());
            }
        }
        List<float[][]> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[][] row = new float[cols.size()][];
            for (int c = 0; c < cols.size(); c++) {
                row[c] = cols.get(c).get(i);
            }
            rows.add(row);
        }
        writeGrid(file, rows, imageRows, imageCols, scalings, scale);
    }

    /** One image, drawn with {@code scaling}. */
    public static BufferedImage image(float[] image, int rows, int cols, Scaling scaling, int scale) {
        return grid(Collections.singletonList(new float[][] {image}), rows, cols, List.of(scaling), scale);
    }

    /** Writes one [0,1] image as a PNG; parent folders are created. */
    public static void writeImage(Path file, float[] image, int rows, int cols, int scale) throws IOException {
        writePng(image(image, rows, cols, Scaling.unit(), scale), file);
    }

    /** Writes {@code img} as a PNG; parent folders are created. */
    public static void writePng(BufferedImage img, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!ImageIO.write(img, "png", file.toFile())) {
            throw new IOException("no PNG writer available in this JVM (javax.imageio); cannot write " + file);
        }
    }

    /** The grey level 0..255 of value {@code v} on [lo, hi]; -1 for non-finite values. */
    static int grey(float v, float lo, float hi) {
        if (!Float.isFinite(v)) {
            return -1;
        }
        float t = hi > lo ? (v - lo) / (hi - lo) : 0f;
        t = Math.max(0f, Math.min(1f, t));
        return Math.round(255f * t);
    }

    private static void draw(BufferedImage out, int x0, int y0, float[] img, int rows, int cols, float lo, float hi,
            int scale) {
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                int g = grey(img[i * cols + j], lo, hi);
                int rgb = g < 0 ? NON_FINITE_RGB : (g << 16) | (g << 8) | g;
                fill(out, x0 + j * scale, y0 + i * scale, scale, scale, rgb);
            }
        }
    }

    private static void fill(BufferedImage out, int x, int y, int w, int h, int rgb) {
        for (int yy = y; yy < y + h; yy++) {
            for (int xx = x; xx < x + w; xx++) {
                out.setRGB(xx, yy, rgb);
            }
        }
    }

    private static void checkSize(int rows, int cols, int scale) {
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + rows + "x" + cols);
        }
        if (scale < 1 || scale > 64) {
            throw new IllegalArgumentException("scale must be 1..64, got " + scale);
        }
    }
}
