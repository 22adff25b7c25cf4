package io.csflow.core.solver;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.csflow.core.operator.MeasurementOperator;
import io.csflow.core.operator.MeasurementOperators;
import io.csflow.core.operator.OperatorKind;
import io.csflow.core.operator.OperatorSpec;
import io.csflow.core.operator.SplitMix64;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The grid that chose the default lambdas: Fashion-MNIST TRAIN images, GAUSSIAN operator, noise std 0.1,
 * m in {50, 200}, both bases. Slow (about a minute), so it runs only with -Dcsflow.lambdaGrid=true:
 * {@code mvn -o -q test -Dtest=LassoLambdaGridTest -Dcsflow.lambdaGrid=true}. Results: stdout and
 * target/lambda-grid.txt.
 */
class LassoLambdaGridTest {

    private static final Path IMAGES = Path.of("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz");
    private static final double[] LAMBDAS = {1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1, 1};
    private static final int IMAGES_USED = 64;
    private static final float NOISE_STD = 0.1f;

    @Test
    void lambdaGrid() throws IOException {
        assumeTrue(Boolean.getBoolean("csflow.lambdaGrid"), "set -Dcsflow.lambdaGrid=true to run the grid");
        assumeTrue(Files.isRegularFile(IMAGES), "no Fashion-MNIST at " + IMAGES);
        float[][] all = readIdxImages(IMAGES);
        int[] pick = new SplitMix64(2024).chooseIndices(all.length, IMAGES_USED);
        float[][] x = new float[IMAGES_USED][];
        for (int i = 0; i < IMAGES_USED; i++) {
            x[i] = all[pick[i]];
        }
        StringBuilder report = new StringBuilder(String.format(Locale.ROOT,
                "Fashion-MNIST train, %d images, GAUSSIAN seed 1, noise std %.2f, 300 FISTA iterations%n"
                        + "basis  m    lambda   MSE       PSNR(dB)  seconds%n", IMAGES_USED, NOISE_STD));
        for (LassoReconstructor.Basis basis : LassoReconstructor.Basis.values()) {
            for (int m : new int[]{50, 200}) {
                MeasurementOperator op = MeasurementOperators.create(new OperatorSpec(OperatorKind.GAUSSIAN, 1, m, 784));
                List<Observation> batch = observe(op, x);
                for (double lambda : LAMBDAS) {
                    LassoReconstructor lasso = new LassoReconstructor(
                            LassoReconstructor.defaults(basis, 784).withLambda(lambda).withTolerance(0));
                    long t0 = System.nanoTime();
                    List<Estimate> est = lasso.reconstruct(batch);
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    double mse = 0;
                    for (int i = 0; i < IMAGES_USED; i++) {
                        for (int j = 0; j < 784; j++) {
                            double d = est.get(i).image()[j] - x[i][j];
                            mse += d * d;
                        }
                    }
                    mse /= IMAGES_USED * 784.0;
                    String line = String.format(Locale.ROOT, "%-6s %-4d %-8.0e %-9.5f %-9.2f %.2f%n",
                            basis, m, lambda, mse, -10 * Math.log10(mse), seconds);
                    System.out.print(line);
                    report.append(line);
                }
            }
        }
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target/lambda-grid.txt"), report);
    }

    private static List<Observation> observe(MeasurementOperator op, float[][] x) {
        INDArray xs = Nd4j.create(x).castTo(DataType.FLOAT);
        INDArray ys = Nd4j.create(DataType.FLOAT, x.length, op.m());
        op.forward(xs, ys);
        float[][] y = ys.toFloatMatrix();
        SplitMix64 noise = new SplitMix64(99);
        List<Observation> batch = new ArrayList<>();
        for (float[] row : y) {
            for (int i = 0; i < row.length; i++) {
                row[i] += NOISE_STD * (float) noise.nextGaussian();
            }
            batch.add(new Observation(op, row, NOISE_STD));
        }
        return batch;
    }

    /** Throwaway IDX3 reader (the real loader is io.csflow.data.FashionMnist); pixels scaled to [0, 1]. */
    private static float[][] readIdxImages(Path path) throws IOException {
        try (InputStream raw = Files.newInputStream(path);
             DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(
                     path.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw))) {
            int magic = in.readInt();
            if (magic != 0x803) {
                throw new IOException(path + " is not an IDX3 image file (magic " + Integer.toHexString(magic) + ")");
            }
            int count = in.readInt();
            int pixels = in.readInt() * in.readInt();
            byte[] buf = new byte[pixels];
            float[][] images = new float[count][pixels];
            for (int i = 0; i < count; i++) {
                in.readFully(buf);
                for (int j = 0; j < pixels; j++) {
                    images[i][j] = (buf[j] & 0xFF) / 255f;
                }
            }
            return images;
        }
    }
}
