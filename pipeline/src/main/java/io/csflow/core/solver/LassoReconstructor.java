package io.csflow.core.solver;

import io.csflow.core.operator.Batches;
import io.csflow.core.operator.Dct2;
import io.csflow.core.operator.LruCache;
import io.csflow.core.operator.MeasurementOperator;
import io.csflow.core.operator.OperatorSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The classical baseline: lasso, min_x (1/2m) ||y - A x||^2 + lambda ||Psi x||_1, solved by FISTA with
 * step 1/L, L = ||A||_2^2 / m. Psi is the identity ("lasso-pixel") or the orthonormal 2-D DCT
 * ("lasso-dct"). Records are grouped by operator spec and each group is solved as one B x n matrix.
 * The final image is clipped to [0, 1], the pixel range of the data. Thread-safe.
 */
public final class LassoReconstructor implements Reconstructor {

    /** The sparsifying basis Psi. */
    public enum Basis {
        PIXEL("lasso-pixel"),
        DCT("lasso-dct");

        private final String method;

        Basis(String method) {
            this.method = method;
        }

        public String method() {
            return method;
        }
    }

    /**
     * @param imageSize       n, the pixels of every image (784 for 28x28); DCT needs a perfect square
     * @param lambda          the l1 weight; {@link #defaults} holds the values chosen on Fashion-MNIST
     * @param maxIterations   FISTA iterations at most
     * @param tolerance       stop early when ||x_k+1 - x_k||_F <= tolerance ||x_k+1||_F over a group (0: never)
     * @param powerIterations power iterations for L, once per operator spec
     * @param cacheCapacity   operator specs whose L is remembered
     */
    public record Config(Basis basis, int imageSize, double lambda, int maxIterations, double tolerance,
                         int powerIterations, int cacheCapacity) {

        public Config {
            if (basis == null) {
                throw new IllegalArgumentException("lasso basis is missing: use PIXEL or DCT");
            }
            if (imageSize <= 0) {
                throw new IllegalArgumentException("lasso imageSize must be positive, got " + imageSize);
            }
            if (basis == Basis.DCT) {
                Dct2.side(imageSize);   // throws naming the non-square size
            }
            if (!Double.isFinite(lambda) || lambda < 0) {
                throw new IllegalArgumentException("lasso lambda must be finite and >= 0, got " + lambda);
            }
            if (maxIterations <= 0) {
                throw new IllegalArgumentException("lasso maxIterations must be positive, got " + maxIterations);
            }
            if (!Double.isFinite(tolerance) || tolerance < 0) {
                throw new IllegalArgumentException("lasso tolerance must be finite and >= 0 (0 disables early"
                        + " stopping), got " + tolerance);
            }
            if (powerIterations <= 0) {
                throw new IllegalArgumentException("lasso powerIterations must be positive, got " + powerIterations);
            }
            if (cacheCapacity <= 0) {
                throw new IllegalArgumentException("lasso cacheCapacity must be positive, got " + cacheCapacity);
            }
        }

        public Config withLambda(double newLambda) {
            return new Config(basis, imageSize, newLambda, maxIterations, tolerance, powerIterations, cacheCapacity);
        }

        public Config withMaxIterations(int iterations) {
            return new Config(basis, imageSize, lambda, iterations, tolerance, powerIterations, cacheCapacity);
        }

        public Config withTolerance(double newTolerance) {
            return new Config(basis, imageSize, lambda, maxIterations, newTolerance, powerIterations, cacheCapacity);
        }
    }

    /** Default lambda for Psi = identity, from the Fashion-MNIST grid (see docs/operators.md). */
    public static final double DEFAULT_LAMBDA_PIXEL = 1e-5;
    /** Default lambda for Psi = DCT, from the Fashion-MNIST grid (see docs/operators.md). */
    public static final double DEFAULT_LAMBDA_DCT = 0.1;
    public static final int DEFAULT_MAX_ITERATIONS = 300;
    public static final double DEFAULT_TOLERANCE = 1e-5;
    public static final int DEFAULT_POWER_ITERATIONS = 100;

    private final Config config;
    private final Dct2 dct;
    private final LruCache<OperatorSpec, Double> lipschitz;

    public LassoReconstructor(Config config) {
        if (config == null) {
            throw new IllegalArgumentException("lasso config is missing: use LassoReconstructor.defaults(basis, n)");
        }
        this.config = config;
        this.dct = config.basis() == Basis.DCT ? new Dct2(config.imageSize()) : null;
        this.lipschitz = new LruCache<>(config.cacheCapacity());
    }

    /** The tuned defaults for a basis and image size. */
    public static Config defaults(Basis basis, int imageSize) {
        double lambda = basis == Basis.DCT ? DEFAULT_LAMBDA_DCT : DEFAULT_LAMBDA_PIXEL;
        return new Config(basis, imageSize, lambda, DEFAULT_MAX_ITERATIONS, DEFAULT_TOLERANCE,
                DEFAULT_POWER_ITERATIONS, 256);
    }

    public Config config() {
        return config;
    }

    @Override
    public String method() {
        return config.basis().method();
    }

    /** L = ||A||_2^2 / m of an operator, computed once per spec. */
    public double lipschitz(MeasurementOperator op) {
        return lipschitz.get(op.spec(), s -> Fista.lipschitz(op, config.powerIterations()));
    }

    @Override
    public List<Estimate> reconstruct(List<Observation> batch) {
        if (batch == null) {
            throw new IllegalArgumentException("batch is missing: pass a (possibly empty) list of observations");
        }
        Map<OperatorSpec, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            Observation o = batch.get(i);
            if (o == null) {
                throw new IllegalArgumentException("observation " + i + " of the batch is null");
            }
            if (o.operator().n() != config.imageSize()) {
                throw new IllegalArgumentException("observation " + i + " has operator " + o.operator().spec()
                        + " with n=" + o.operator().n() + " but this " + method() + " reconstructor expects images"
                        + " of n=" + config.imageSize() + " pixels; route it to a reconstructor for its size");
            }
            groups.computeIfAbsent(o.operator().spec(), s -> new ArrayList<>()).add(i);
        }
        Estimate[] out = new Estimate[batch.size()];
        for (List<Integer> group : groups.values()) {
            solveGroup(batch, group, out);
        }
        return Arrays.asList(out);
    }

    private void solveGroup(List<Observation> batch, List<Integer> group, Estimate[] out) {
        MeasurementOperator op = batch.get(group.get(0)).operator();
        int m = op.m();
        int n = op.n();
        int b = group.size();
        float[] ys = new float[b * m];
        for (int r = 0; r < b; r++) {
            System.arraycopy(batch.get(group.get(r)).y(), 0, ys, r * m, m);
        }
        INDArray y = Nd4j.create(ys, new long[]{b, m}, 'c');
        Fista.Result result = Fista.solve(op, y, config.lambda(), dct, lipschitz(op), config.maxIterations(),
                config.tolerance(), null);
        INDArray x = Transforms.min(Transforms.max(result.x(), 0.0, false), 1.0, false);

        // per-record residual and objective of the clipped image
        INDArray residual = Nd4j.create(DataType.FLOAT, b, m);
        op.forward(x, residual);
        residual.subi(y);
        float[] residualNorm = residual.norm2(1).toFloatVector();
        float[] yNorm = y.norm2(1).toFloatVector();
        float[] l1 = (dct == null ? x : dct.analyze(x, 1.0)).norm1(1).toFloatVector();
        float[] pixels = Batches.toFloats(x);
        for (int r = 0; r < b; r++) {
            float rel = yNorm[r] > 0 ? residualNorm[r] / yNorm[r] : residualNorm[r];
            float loss = (float) (residualNorm[r] * (double) residualNorm[r] / (2.0 * m) + config.lambda() * l1[r]);
            out[group.get(r)] = new Estimate(Arrays.copyOfRange(pixels, r * n, (r + 1) * n), new float[n],
                    new float[0], rel, result.iterations(), loss);
        }
    }
}
