package io.csflow.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.csflow.data.FashionMnist.Dataset;
import io.csflow.data.FashionMnist.Split;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {

    @TempDir
    Path tmp;

    /** The real data set, from $CSFLOW_FASHION_MNIST or the Debian package's folder (run ops/setup.sh). */
    @Test
    void readsTheRealFiles() throws IOException {
        Path dir = FashionMnist.directory();
        assumeTrue(FashionMnist.locate(dir, Split.TEST.imagesFile()) != null,
                "Fashion-MNIST is not installed in " + dir + "; run ops/setup.sh");
        for (Split split : Split.values()) {
            Dataset d = FashionMnist.load(split);
            assertEquals(split.expectedSize(), d.size(), split + " size");
            assertEquals(28, d.rows());
            assertEquals(28, d.cols());
            assertEquals(784, d.images()[0].length);
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            for (float[] img : d.images()) {
                for (float v : img) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
            assertEquals(0f, min, split + " min pixel");
            assertEquals(1f, max, split + " max pixel");
            int[] counts = d.classCounts();
            assertEquals(10, counts.length, "labels are 0..9");
            for (int c : counts) {
                // Fashion-MNIST is balanced: 6000 per class in train, 1000 in test
                assertEquals(split.expectedSize() / 10, c);
            }
        }
    }

    @Test
    void plainAndGzipIdxRoundTrip() throws IOException {
        float[][] images = new float[5][6]; // 5 images of 2x3
        int[] labels = {3, 0, 9, 3, 1};
        for (int i = 0; i < images.length; i++) {
            for (int j = 0; j < 6; j++) {
                images[i][j] = ((i * 6 + j) * 9 % 256) / 255f;
            }
        }
        for (String suffix : new String[] {"", ".gz"}) {
            Path dir = Files.createDirectories(tmp.resolve("d" + suffix.length()));
            Idx.writeImages(dir.resolve("t10k-images-idx3-ubyte" + suffix), images, 2, 3);
            Idx.writeLabels(dir.resolve("t10k-labels-idx1-ubyte" + suffix), labels);
            Dataset d = FashionMnist.load(dir, Split.TEST);
            assertEquals(5, d.size());
            assertEquals(2, d.rows());
            assertEquals(3, d.cols());
            assertArrayEquals(labels, d.labels());
            for (int i = 0; i < images.length; i++) {
                assertArrayEquals(images[i], d.images()[i], 1e-7f, "image " + i + suffix);
            }
        }
        // compression is recognised by content: a gzip file without the .gz name still reads
        Path gz = tmp.resolve("d3/t10k-images-idx3-ubyte.gz");
        assertTrue(isGzip(gz));
        Path renamed = Files.createDirectories(tmp.resolve("renamed"));
        Files.copy(gz, renamed.resolve("t10k-images-idx3-ubyte"));
        Files.copy(tmp.resolve("d0/t10k-labels-idx1-ubyte"), renamed.resolve("t10k-labels-idx1-ubyte"));
        assertArrayEquals(images[4], FashionMnist.load(renamed, Split.TEST).images()[4], 1e-7f);
    }

    @Test
    void readsHandWrittenHeaderBytes() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("raw"));
        // images: magic 0x00000803, 2 images of 1x2: pixels 0, 255, 51, 102
        byte[] img = {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 0, (byte) 255, 51, 102};
        byte[] lab = {0, 0, 8, 1, 0, 0, 0, 2, 7, 2};
        Files.write(dir.resolve("train-images-idx3-ubyte"), img);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(dir.resolve("train-labels-idx1-ubyte.gz")))) {
            out.write(lab);
        }
        Dataset d = FashionMnist.load(dir, Split.TRAIN);
        assertArrayEquals(new float[] {0f, 1f}, d.images()[0]);
        assertArrayEquals(new float[] {0.2f, 0.4f}, d.images()[1], 1e-7f);
        assertArrayEquals(new int[] {7, 2}, d.labels());
    }

    @Test
    void missingFolderSaysWhereAndHowToFix() {
        Path dir = tmp.resolve("nowhere");
        IOException e = assertThrows(FashionMnist.DatasetNotFoundException.class,
                () -> FashionMnist.load(dir, Split.TRAIN));
        assertTrue(e.getMessage().contains(dir.toAbsolutePath().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        assertTrue(e.getMessage().contains("sudo apt-get install dataset-fashion-mnist"), e.getMessage());
        assertTrue(e.getMessage().contains("ops/setup.sh"), e.getMessage());
        assertTrue(e.getMessage().contains("CSFLOW_FASHION_MNIST"), e.getMessage());
    }

    @Test
    void missingFileIsNamed() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("half"));
        Idx.writeLabels(dir.resolve("train-labels-idx1-ubyte"), new int[] {1});
        IOException e = assertThrows(FashionMnist.DatasetNotFoundException.class,
                () -> FashionMnist.load(dir, Split.TRAIN));
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte[.gz]"), e.getMessage());
        assertTrue(!e.getMessage().contains("train-labels"), e.getMessage());
    }

    @Test
    void badMagicNumbersAreExplained() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("swapped"));
        // images and labels swapped
        Idx.writeLabels(dir.resolve("train-images-idx3-ubyte"), new int[] {1});
        Idx.writeImages(dir.resolve("train-labels-idx1-ubyte"), new float[1][4], 2, 2);
        IOException e = assertThrows(Idx.IdxFormatException.class, () -> FashionMnist.load(dir, Split.TRAIN));
        assertTrue(e.getMessage().contains("magic number is 0x00000801, expected 0x00000803"), e.getMessage());
        assertTrue(e.getMessage().contains("swap"), e.getMessage());

        Path junk = Files.createDirectories(tmp.resolve("junk"));
        Files.writeString(junk.resolve("t10k-images-idx3-ubyte"), "hello, world");
        Idx.writeLabels(junk.resolve("t10k-labels-idx1-ubyte"), new int[] {1});
        e = assertThrows(Idx.IdxFormatException.class, () -> FashionMnist.load(junk, Split.TEST));
        assertTrue(e.getMessage().contains("is not an IDX image file"), e.getMessage());

        Path truncated = Files.createDirectories(tmp.resolve("truncated"));
        Files.write(truncated.resolve("t10k-images-idx3-ubyte"), new byte[] {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3});
        Idx.writeLabels(truncated.resolve("t10k-labels-idx1-ubyte"), new int[] {1, 2});
        e = assertThrows(Idx.IdxFormatException.class, () -> FashionMnist.load(truncated, Split.TEST));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());

        Path mismatch = Files.createDirectories(tmp.resolve("mismatch"));
        Idx.writeImages(mismatch.resolve("t10k-images-idx3-ubyte"), new float[2][4], 2, 2);
        Idx.writeLabels(mismatch.resolve("t10k-labels-idx1-ubyte"), new int[] {1});
        e = assertThrows(Idx.IdxFormatException.class, () -> FashionMnist.load(mismatch, Split.TEST));
        assertTrue(e.getMessage().contains("2 images but"), e.getMessage());
    }

    @Test
    void subsetAndClasses() {
        float[][] images = new float[6][4];
        for (int i = 0; i < 6; i++) {
            images[i][0] = i;
        }
        Dataset d = new Dataset(images, new int[] {0, 1, 2, 1, 0, 9}, 2, 2);
        Dataset s = d.subset(2, 3);
        assertArrayEquals(new int[] {2, 1, 0}, s.labels());
        assertEquals(2f, s.images()[0][0]);
        Dataset c = d.ofClasses(1, 9);
        assertArrayEquals(new int[] {1, 1, 9}, c.labels());
        assertEquals(5f, c.images()[2][0]);
        assertArrayEquals(new int[] {2, 2, 1, 0, 0, 0, 0, 0, 0, 1}, d.classCounts());
        assertEquals(0, d.ofClasses(5).size());
        assertThrows(IllegalArgumentException.class, () -> d.subset(4, 3));
        assertThrows(IllegalArgumentException.class, () -> new Dataset(images, new int[5], 2, 2));
    }

    @Test
    void environmentVariableOverridesTheDefault() {
        assertEquals(Path.of(FashionMnist.DEFAULT_DIR), FashionMnist.directory(Map.of()));
        assertEquals(Path.of(FashionMnist.DEFAULT_DIR), FashionMnist.directory(Map.of(FashionMnist.ENV_VAR, " ")));
        assertEquals(Path.of("/data/fm"), FashionMnist.directory(Map.of(FashionMnist.ENV_VAR, "/data/fm")));
    }

    private static boolean isGzip(Path p) throws IOException {
        byte[] b = Files.readAllBytes(p);
        return b.length > 2 && (b[0] & 0xff) == 0x1f && (b[1] & 0xff) == 0x8b;
    }
}
