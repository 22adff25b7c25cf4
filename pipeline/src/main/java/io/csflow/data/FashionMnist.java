package io.csflow.data;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The Fashion-MNIST data set (Xiao, Rasul and Vollgraf 2017): 70,000 grey 28x28 images of clothing in
 * 10 classes, 60,000 for training and 10,000 for testing, as the four IDX files
 * {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte},
 * {@code t10k-labels-idx1-ubyte}, each plain or with a {@code .gz} suffix (the Debian package
 * {@code dataset-fashion-mnist} installs the {@code .gz} ones under {@value #DEFAULT_DIR}).
 *
 * <p>Where it is read from: an explicit folder ({@link #load(Path, Split)}), else the folder named by the
 * environment variable {@value #ENV_VAR}, else {@value #DEFAULT_DIR}.
 *
 * <p>Images come back as {@code float[784]} rows, row-major 28x28, pixel byte / 255 in [0,1]
 * (0 = black background, 1 = white).
 */
public final class FashionMnist {

    /** Where the Debian package {@code dataset-fashion-mnist} installs the files. */
    public static final String DEFAULT_DIR = "/usr/share/datasets/fashion-mnist";
    /** Environment variable that overrides {@link #DEFAULT_DIR}. */
    public static final String ENV_VAR = "CSFLOW_FASHION_MNIST";
    public static final int ROWS = 28;
    public static final int COLS = 28;
    public static final int PIXELS = ROWS * COLS;
    public static final int CLASSES = 10;
    /** Class names, indexed by label. */
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    static final String HOW_TO_FIX = "install it with `sudo apt-get install dataset-fashion-mnist` or run ops/setup.sh,"
            + " or set " + ENV_VAR + " to a folder with the IDX files";

    private FashionMnist() {
    }

    /** The two official splits. */
    public enum Split {
        TRAIN("train", 60_000), TEST("t10k", 10_000);

        private final String prefix;
        private final int expectedSize;

        Split(String prefix, int expectedSize) {
            this.prefix = prefix;
            this.expectedSize = expectedSize;
        }

        /** Base name of the images file, without {@code .gz}: e.g. {@code train-images-idx3-ubyte}. */
        public String imagesFile() {
            return prefix + "-images-idx3-ubyte";
        }

        /** Base name of the labels file, without {@code .gz}: e.g. {@code train-labels-idx1-ubyte}. */
        public String labelsFile() {
            return prefix + "-labels-idx1-ubyte";
        }

        /** Number of examples in the official release. */
        public int expectedSize() {
            return expectedSize;
        }
    }

    /**
     * Labelled images. The arrays are shared, not copied, by {@link #subset} and {@link #ofClasses}: treat
     * them as read-only. (As a record with array components, equality is by reference.)
     *
     * @param images one row-major {@code float[rows*cols]} per example, values in [0,1]
     * @param labels class of each example, same length as {@code images}
     */
    public record Dataset(float[][] images, int[] labels, int rows, int cols) {

        public Dataset {
            if (images == null || labels == null) {
                throw new IllegalArgumentException("images and labels must not be null");
            }
            if (images.length != labels.length) {
                throw new IllegalArgumentException(images.length + " images but " + labels.length + " labels");
            }
            if (rows <= 0 || cols <= 0) {
                throw new IllegalArgumentException("image size must be positive, got " + rows + "x" + cols);
            }
            for (int i = 0; i < images.length; i++) {
                if (images[i] == null || images[i].length != rows * cols) {
                    throw new IllegalArgumentException("image " + i + " has "
                            + (images[i] == null ? "no" : images[i].length) + " pixels, expected "
                            + rows + "x" + cols + "=" + rows * cols);
                }
            }
        }

        /** Number of examples. */
        public int size() {
            return labels.length;
        }

        /** Pixels per image, rows * cols. */
        public int pixels() {
            return rows * cols;
        }

        /** Examples {@code from .. from+count-1}, in order. */
        public Dataset subset(int from, int count) {
            if (from < 0 || count < 0 || (long) from + count > size()) {
                throw new IllegalArgumentException("subset(" + from + ", " + count + ") is outside a data set of "
                        + size() + " examples");
            }
            return new Dataset(Arrays.copyOfRange(images, from, from + count),
                    Arrays.copyOfRange(labels, from, from + count), rows, cols);
        }

        /** The examples whose label is one of {@code classes}, in their original order. */
        public Dataset ofClasses(int... classes) {
            if (classes == null || classes.length == 0) {
                throw new IllegalArgumentException("ofClasses needs at least one class");
            }
            int max = 0;
            for (int c : classes) {
                if (c < 0) {
                    throw new IllegalArgumentException("class labels are >= 0, got " + c);
                }
                max = Math.max(max, c);
            }
            boolean[] keep = new boolean[max + 1];
            for (int c : classes) {
                keep[c] = true;
            }
            List<Integer> idx = new ArrayList<>();
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] <= max && keep[labels[i]]) {
                    idx.add(i);
                }
            }
            float[][] img = new float[idx.size()][];
            int[] lab = new int[idx.size()];
            for (int k = 0; k < img.length; k++) {
                img[k] = images[idx.get(k)];
                lab[k] = labels[idx.get(k)];
            }
            return new Dataset(img, lab, rows, cols);
        }

        /** Examples per label: an array of length 1 + the largest label (empty for an empty data set). */
        public int[] classCounts() {
            int max = -1;
            for (int l : labels) {
                max = Math.max(max, l);
            }
            int[] counts = new int[max + 1];
            for (int l : labels) {
                counts[l]++;
            }
            return counts;
        }
    }

    /** Loads a split from {@link #directory()}. */
    public static Dataset load(Split split) throws IOException {
        return load(directory(), split, directorySource());
    }

    /** Loads a split from {@code dir}, which holds the IDX files (plain or .gz). */
    public static Dataset load(Path dir, Split split) throws IOException {
        return load(dir, split, "given explicitly");
    }

    private static Dataset load(Path dir, Split split, String source) throws IOException {
        Path images = locate(dir, split.imagesFile());
        Path labels = locate(dir, split.labelsFile());
        List<String> missing = new ArrayList<>();
        if (images == null) {
            missing.add(split.imagesFile() + "[.gz]");
        }
        if (labels == null) {
            missing.add(split.labelsFile() + "[.gz]");
        }
        if (!missing.isEmpty()) {
            throw new DatasetNotFoundException(notFoundMessage(dir, source, missing));
        }
        Idx.Images img = Idx.readImages(images);
        int[] lab = Idx.readLabels(labels);
        if (img.pixels().length != lab.length) {
            throw new Idx.IdxFormatException(images + " has " + img.pixels().length + " images but " + labels
                    + " has " + lab.length + " labels");
        }
        for (int i = 0; i < lab.length; i++) {
            if (lab[i] >= CLASSES) {
                throw new Idx.IdxFormatException(labels + ": label " + i + " is " + lab[i]
                        + ", but Fashion-MNIST has classes 0.." + (CLASSES - 1));
            }
        }
        return new Dataset(img.pixels(), lab, img.rows(), img.cols());
    }

    /** The folder read by {@link #load(Split)}: {@value #ENV_VAR} if set (and not blank), else {@value #DEFAULT_DIR}. */
    public static Path directory() {
        return directory(System.getenv());
    }

    static Path directory(Map<String, String> env) {
        String v = env.get(ENV_VAR);
        return v == null || v.isBlank() ? Path.of(DEFAULT_DIR) : Path.of(v.trim());
    }

    /** Where {@link #directory()} comes from, for messages: "set by $CSFLOW_FASHION_MNIST" or "the default ...". */
    public static String directorySource() {
        String v = System.getenv(ENV_VAR);
        return v == null || v.isBlank() ? "the default; " + ENV_VAR + " is not set" : "set by $" + ENV_VAR;
    }

    /** The file {@code baseName} or {@code baseName.gz} in {@code dir} (plain preferred), or null if neither exists. */
    public static Path locate(Path dir, String baseName) {
        Path plain = dir.resolve(baseName);
        if (Files.isRegularFile(plain)) {
            return plain;
        }
        Path gz = dir.resolve(baseName + ".gz");
        return Files.isRegularFile(gz) ? gz : null;
    }

    private static String notFoundMessage(Path dir, String source, List<String> missing) {
        String where = dir.toAbsolutePath().toString();
        String what;
        if (!Files.exists(dir)) {
            what = "folder " + where + " does not exist";
        } else if (!Files.isDirectory(dir)) {
            what = where + " is not a folder";
        } else {
            what = "no " + String.join(" or ", missing) + " in " + where;
        }
        return "Fashion-MNIST not found: " + what + " (folder "
                + source + "). To fix it, "
                + HOW_TO_FIX + ".";
    }

    /** The data set's files are not where they were looked for; the message says where and how to fix it. */
    public static final class DatasetNotFoundException extends FileNotFoundException {
        public DatasetNotFoundException(String message) {
            super(message);
        }
    }
}
