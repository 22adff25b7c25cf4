package io.csflow.stream;

import io.csflow.avro.Measurement;
import io.csflow.avro.OperatorSpec;

import java.util.ArrayList;
import java.util.List;

/** Builds small, valid measurements for tests: INPAINT-style y = the first m pixels of a known frame. */
public final class TestData {

    public static final int N = 16;

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
        for (int i = 0; i < m; i++) {
            y.add(pixel(sequence, i));
        }
        return Measurement.newBuilder()
                .setSensorId(sensor)
                .setSequence(sequence)
                .setEventTimeMillis(1_700_000_000_000L + sequence)
                .setOperator(OperatorSpec.newBuilder().setKind(kind).setSeed(42).setM(m).setN(n).build())
                .setY(y)
                .setNoiseStd(0f)
                .setTruth(truth(sequence, n))
                .setLabel((int) (sequence % 10))
                .build();
    }

    public static Measurement measurement(String sensor, long sequence) {
        return measurement(sensor, sequence, "INPAINT", 8, N);
    }
}
