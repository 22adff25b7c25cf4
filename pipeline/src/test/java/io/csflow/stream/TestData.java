package io.csflow.stream;

import io.csflow.avro.Measurement;
import io.csflow.avro.OperatorSpec;
import io.csflow.core.operator.MeasurementOperators;
import io.csflow.core.operator.OperatorKind;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds small measurements of known frames for tests. INPAINT specs get the real y = A x of
 * {@link MeasurementOperators} (row i is sqrt(n) e_{p_i}, p = the spec's pixel selection); other kinds, and specs
 * that are invalid on purpose, get the first m pixels as a placeholder y: they are only validated, never solved.
 */
public final class TestData {

    public static final int N = 16;
    public static final long SEED = 42;

    private TestData() {
    }

    /** Frame pixel i of (sensor, sequence): deterministic, in [0,1], so outputs can be checked exactly. */
    public static float pixel(long sequence, int i) {
        return ((sequence * 7 + i * 3) % 11) / 10f;
    }

    public static List<Float> truth(long sequence, int n) {
        List<Float> x = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            x.add(pixel(sequence, i));
        }
        return x;
    }

    public static Measurement measurement(String sensor, long sequence, String kind, int m, int n) {
        List<Float> y = new ArrayList<>(m);
        int[] kept = "INPAINT".equals(kind) && m <= n ? MeasurementOperators.selection(coreSpec(kind, m, n)) : null;
        for (int i = 0; i < m; i++) {
            y.add(kept == null ? pixel(sequence, i) : (float) Math.sqrt(n) * pixel(sequence, kept[i]));
        }
        return Measurement.newBuilder()
                .setSensorId(sensor)
                .setSequence(sequence)
                .setEventTimeMillis(1_700_000_000_000L + sequence)
                .setOperator(OperatorSpec.newBuilder().setKind(kind).setSeed(SEED).setM(m).setN(n).build())
                .setY(y)
                .setNoiseStd(0f)
                .setTruth(truth(sequence, n))
                .setLabel((int) (sequence % 10))
                .build();
    }

    private static io.csflow.core.operator.OperatorSpec coreSpec(String kind, int m, int n) {
        return new io.csflow.core.operator.OperatorSpec(OperatorKind.parse(kind), SEED, m, n);
    }

    /** Pixel p of what {@link AdjointReconstructor} returns for an INPAINT measurement: kept pixels, else 0. */
    public static float expectedPixel(Measurement m, int p) {
        io.csflow.avro.OperatorSpec s = m.getOperator();
        for (int k : MeasurementOperators.selection(coreSpec(s.getKind(), s.getM(), s.getN()))) {
            if (k == p) {
                return pixel(m.getSequence(), p);
            }
        }
        return 0f;
    }

    /** The mse of that reconstruction against the frame: the energy of the pixels INPAINT dropped. */
    public static float expectedMse(Measurement m) {
        int n = m.getOperator().getN();
        double s = 0;
        for (int p = 0; p < n; p++) {
            double d = pixel(m.getSequence(), p) - expectedPixel(m, p);
            s += d * d;
        }
        return (float) (s / n);
    }

    public static Measurement measurement(String sensor, long sequence) {
        return measurement(sensor, sequence, "INPAINT", 8, N);
    }
}
