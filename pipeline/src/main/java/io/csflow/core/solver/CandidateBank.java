package io.csflow.core.solver;

import io.csflow.core.nn.DenseStack;
import io.csflow.core.nn.StackPass;
import io.csflow.core.operator.MeasurementOperator;
import io.csflow.core.operator.OperatorSpec;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.WeakHashMap;

/**
 * K fixed latents z_k ~ N(0, I) and their images g(z_k), decoded once per decoder (model version) and
 * shared by every solver in the JVM. For an operator A the bank keeps A g(z_k) (K x m, one product,
 * cached per operator spec), so scoring a record, (1/m) ||y - A g(z_k)||^2 + lz ||z_k||^2 for every k, is
 * one small product y (A G^T)^T and no decoder pass: the record starts the z stage from its best
 * candidates, which does what many random restarts do at a fraction of their cost.
 *
 * <p>Thread-safe: solvers on several threads share one bank.
 */
final class CandidateBank {

    /**
     * Projections kept per bank, in floats (128 MB): about 40 operators at K = 4096, m = 200. A fleet with more
     * distinct operators than fit pays the 2Kmn product again per call, which {@link SolverFlops} charges anyway.
     */
    private static final long PROJECTED_FLOATS_KEPT = 32L << 20;
    private static final long BANK_SEED = 0x5EED_BA4CL;
    private static final Map<DenseStack, Map<Integer, CandidateBank>> BANKS = new WeakHashMap<>();

    private final INDArray z;
    private final INDArray images;
    private final double[] latentNormSq;
    private final Map<OperatorSpec, Projected> byOperator = new LinkedHashMap<>(16, 0.75f, true);
    private long projectedFloats;

    /** A g(z_k) for one operator, and its squared row norms. */
    private record Projected(INDArray rows, double[] normSq) {
    }

    private CandidateBank(DenseStack decoder, int size) {
        int k = decoder.inputSize();
        float[] draws = new float[size * k];
        Random rnd = new Random(BANK_SEED + size);
        latentNormSq = new double[size];
        for (int i = 0; i < size; i++) {
            for (int j = 0; j < k; j++) {
                float v = (float) rnd.nextGaussian();
                draws[i * k + j] = v;
                latentNormSq[i] += (double) v * v;
            }
        }
        z = Nd4j.create(draws, new long[]{size, k}, 'c');
        images = new StackPass(decoder, size).forward(decoder, z).dup();
    }

    /** The bank of {@code size} candidates for this decoder, decoded on first use. */
    static CandidateBank of(DenseStack decoder, int size) {
        synchronized (BANKS) {
            return BANKS.computeIfAbsent(decoder, d -> new HashMap<>())
                    .computeIfAbsent(size, s -> new CandidateBank(decoder, s));
        }
    }

    int size() {
        return (int) z.rows();
    }

    /**
     * Starting latents for the z stage, record-major ({@code count} rows per record, best first): per record
     * the {@code count} candidates with the lowest (1/m) ||y - A g(z_k)||^2 + lz ||z_k||^2.
     */
    INDArray starts(OperatorGroups groups, int count, double lz) {
        int k = (int) z.columns();
        INDArray out = Nd4j.create(DataType.FLOAT, (long) groups.size() * count, k);
        int[] pick = new int[groups.size() * count];
        for (OperatorGroups.Group g : groups.groups()) {
            Projected p = projected(g.operator());
            int m = g.operator().m();
            float[] y = new float[g.size() * m];
            double[] yNormSq = new double[g.size()];
            for (int i = 0; i < g.size(); i++) {
                float[] yi = groups.sorted().get(g.from() + i).y();
                System.arraycopy(yi, 0, y, i * m, m);
                for (float v : yi) {
                    yNormSq[i] += (double) v * v;
                }
            }
            INDArray cross = Nd4j.create(DataType.FLOAT, g.size(), size());
            Nd4j.gemm(Nd4j.create(y, new long[]{g.size(), m}, 'c'), p.rows(), cross, false, true, 1.0, 0.0);
            float[] dots = cross.data().asFloat();
            double[] score = new double[size()];
            for (int i = 0; i < g.size(); i++) {
                for (int c = 0; c < score.length; c++) {
                    score[c] = (yNormSq[i] - 2.0 * dots[i * score.length + c] + p.normSq()[c]) / m
                            + lz * latentNormSq[c];
                }
                lowest(score, count, pick, (g.from() + i) * count);
            }
        }
        for (int row = 0; row < pick.length; row++) {
            out.getRow(row).assign(z.getRow(pick[row]));
        }
        return out;
    }

    private Projected projected(MeasurementOperator op) {
        synchronized (byOperator) {
            Projected p = byOperator.get(op.spec());
            if (p == null) {
                INDArray rows = Nd4j.create(DataType.FLOAT, size(), op.m());
                op.forward(images, rows);
                INDArray sq = rows.mul(rows).sum(1);
                double[] normSq = new double[size()];
                for (int c = 0; c < normSq.length; c++) {
                    normSq[c] = sq.getDouble(c);
                }
                p = new Projected(rows, normSq);
                byOperator.put(op.spec(), p);
                projectedFloats += rows.length();
                // least recently used first; the newest entry always stays
                var oldest = byOperator.entrySet().iterator();
                while (projectedFloats > PROJECTED_FLOATS_KEPT && byOperator.size() > 1) {
                    projectedFloats -= oldest.next().getValue().rows().length();
                    oldest.remove();
                }
            }
            return p;
        }
    }

    /** Writes the indices of the {@code count} smallest scores, smallest first, to out[at ..]. */
    static void lowest(double[] score, int count, int[] out, int at) {
        int filled = 0;
        for (int c = 0; c < score.length; c++) {
            if (filled < count) {
                filled++;
            } else if (score[c] >= score[out[at + count - 1]]) {
                continue;
            }
            int pos = filled - 1;
            while (pos > 0 && score[out[at + pos - 1]] > score[c]) {
                out[at + pos] = out[at + pos - 1];
                pos--;
            }
            out[at + pos] = c;
        }
    }
}
