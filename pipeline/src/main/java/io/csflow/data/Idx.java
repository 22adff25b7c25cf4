package io.csflow.data;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Reads and writes the IDX files of (Fashion-)MNIST: big-endian, a 4-byte magic number
 * {@code 0x0000 <type> <dims>} then one 32-bit size per dimension, then the unsigned bytes.
 * <ul>
 *   <li>images: magic {@value #IMAGES_MAGIC} (0x00000803: unsigned byte, 3 dims), count, rows, cols, then count*rows*cols pixels</li>
 *   <li>labels: magic {@value #LABELS_MAGIC} (0x00000801: unsigned byte, 1 dim), count, then count labels</li>
 * </ul>
 * Files may be plain or gzip-compressed; compression is recognised by its content, not its name.
 */
public final class Idx {

    /** Magic number of an IDX file of unsigned-byte images (3 dimensions). */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of an IDX file of unsigned-byte labels (1 dimension). */
    public static final int LABELS_MAGIC = 0x00000801;

    private Idx() {
    }

    /** Images of an IDX3 file: pixels scaled to [0,1] (byte / 255), each image row-major. */
    public record Images(float[][] pixels, int rows, int cols) {
    }

    /** Reads an IDX3 unsigned-byte image file (plain or gzip). */
    public static Images readImages(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            int magic = readHeaderInt(in, file, "magic number");
            if (magic != IMAGES_MAGIC) {
                throw new IdxFormatException(file + " is not an IDX image file: magic number is "
                        + hex(magic) + ", expected " + hex(IMAGES_MAGIC) + describeMagic(magic));
            }
            int count = readHeaderInt(in, file, "image count");
            int rows = readHeaderInt(in, file, "row count");
            int cols = readHeaderInt(in, file, "column count");
            if (count < 0 || rows <= 0 || cols <= 0 || (long) rows * cols > Integer.MAX_VALUE) {
                throw new IdxFormatException(file + " has an invalid IDX header: count=" + count
                        + ", rows=" + rows + ", cols=" + cols);
            }
            int n = rows * cols;
            float[][] images = new float[count][n];
            byte[] buf = new byte[n];
            for (int i = 0; i < count; i++) {
                try {
                    in.readFully(buf);
                } catch (EOFException e) {
                    throw new IdxFormatException(file + " is truncated: the header announces " + count
                            + " images of " + rows + "x" + cols + " but the data ends in image " + i, e);
                }
                float[] img = images[i];
                for (int j = 0; j < n; j++) {
                    img[j] = (buf[j] & 0xff) / 255f;
                }
            }
            return new Images(images, rows, cols);
        }
    }

    /** Reads an IDX1 unsigned-byte label file (plain or gzip). */
    public static int[] readLabels(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            int magic = readHeaderInt(in, file, "magic number");
            if (magic != LABELS_MAGIC) {
                throw new IdxFormatException(file + " is not an IDX label file: magic number is "
                        + hex(magic) + ", expected " + hex(LABELS_MAGIC) + describeMagic(magic));
            }
            int count = readHeaderInt(in, file, "label count");
            if (count < 0) {
                throw new IdxFormatException(file + " has an invalid IDX header: count=" + count);
            }
            byte[] buf = new byte[count];
            try {
                in.readFully(buf);
            } catch (EOFException e) {
                throw new IdxFormatException(file + " is truncated: the header announces " + count
                        + " labels but the data ends early", e);
            }
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) {
                labels[i] = buf[i] & 0xff;
            }
            return labels;
        }
    }

    /**
     * Writes images as an IDX3 unsigned-byte file; values are clamped to [0,1] and rounded to
     * byte / 255. Gzip-compressed when {@code file} ends with ".gz".
     */
    public static void writeImages(Path file, float[][] images, int rows, int cols) throws IOException {
        int n = rows * cols;
        try (DataOutputStream out = create(file)) {
            out.writeInt(IMAGES_MAGIC);
            out.writeInt(images.length);
            out.writeInt(rows);
            out.writeInt(cols);
            byte[] buf = new byte[n];
            for (int i = 0; i < images.length; i++) {
                if (images[i].length != n) {
                    throw new IllegalArgumentException("image " + i + " has " + images[i].length
                            + " pixels, expected " + rows + "x" + cols + "=" + n);
                }
                for (int j = 0; j < n; j++) {
                    float v = images[i][j];
                    float c = Float.isNaN(v) ? 0f : Math.max(0f, Math.min(1f, v));
                    buf[j] = (byte) Math.round(c * 255f);
                }
                out.write(buf);
            }
        }
    }

    /** Writes labels (0..255) as an IDX1 unsigned-byte file; gzip-compressed when {@code file} ends with ".gz". */
    public static void writeLabels(Path file, int[] labels) throws IOException {
        try (DataOutputStream out = create(file)) {
            out.writeInt(LABELS_MAGIC);
            out.writeInt(labels.length);
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] < 0 || labels[i] > 255) {
                    throw new IllegalArgumentException("label " + i + " is " + labels[i] + ": IDX labels are bytes 0..255");
                }
                out.writeByte(labels[i]);
            }
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        try {
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            if (b0 == 0x1f && b1 == 0x8b) {
                raw = new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16);
            }
            return new DataInputStream(raw);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    private static DataOutputStream create(Path file) throws IOException {
        OutputStream raw = Files.newOutputStream(file);
        if (file.getFileName().toString().endsWith(".gz")) {
            raw = new GZIPOutputStream(raw, 1 << 16);
        }
        return new DataOutputStream(new BufferedOutputStream(raw, 1 << 16));
    }

    private static int readHeaderInt(DataInputStream in, Path file, String what) throws IOException {
        try {
            return in.readInt();
        } catch (EOFException e) {
            throw new IdxFormatException(file + " is not an IDX file: it ends before the header's " + what, e);
        }
    }

    private static String hex(int v) {
        return String.format("0x%08X", v);
    }

    private static String describeMagic(int magic) {
        if (magic == IMAGES_MAGIC) {
            return " (this looks like an image file; did you swap the images and labels files?)";
        }
        if (magic == LABELS_MAGIC) {
            return " (this looks like a label file; did you swap the images and labels files?)";
        }
        return "";
    }

    /** A file that is not a well-formed IDX file of the expected kind. */
    public static final class IdxFormatException extends IOException {
        public IdxFormatException(String message) {
            super(message);
        }

        public IdxFormatException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
