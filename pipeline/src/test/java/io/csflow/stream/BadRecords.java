package io.csflow.stream;

import io.csflow.avro.Measurement;
import io.csflow.avro.Reconstruction;
import io.csflow.stream.wire.AvroWire;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** One bad input record of every kind the validator must catch, with the cause and a fragment of the reason. */
public final class BadRecords {

    public static final int MAX_M = 64;
    public static final int MAX_N = 64;

    /** @param sequence the sequence it carries (-1 when it cannot be decoded) */
    public record BadCase(String name, byte[] value, Rejection.Cause cause, String reasonFragment, long sequence) {
        @Override
        public String toString() {
            return name;
        }
    }

    private BadRecords() {
    }

    public static MeasurementValidator validator() {
        return new MeasurementValidator(TestData.N, MAX_M, MAX_N);
    }

    /** Bad records from one sensor; sequences start at {@code base} so tests can mix them with good ones. */
    public static List<BadCase> all(String sensor, long base) {
        AvroWire<Measurement> wire = AvroWire.measurements();
        List<BadCase> c = new ArrayList<>();
        c.add(new BadCase("json instead of avro", "{\"sensorId\":\"x\"}".getBytes(StandardCharsets.UTF_8),
                Rejection.Cause.NOT_SINGLE_OBJECT, "not an Avro single-object encoded Measurement", -1));
        Reconstruction r = Reconstruction.newBuilder().setSensorId(sensor).setSequence(0).setEventTimeMillis(0)
                .setImage(List.of()).setUncertainty(List.of()).setLatent(List.of()).setRelativeResidual(0)
                .setMethod("x").setModelVersion(0).setIterations(0).build();
        c.add(new BadCase("wrong record type", AvroWire.reconstructions().encode(r),
                Rejection.Cause.UNKNOWN_FINGERPRINT, "unknown writer schema fingerprint", -1));
        byte[] good = wire.encode(TestData.measurement(sensor, base));
        c.add(new BadCase("truncated body", Arrays.copyOf(good, good.length - 5),
                Rejection.Cause.CORRUPT_BODY, "corrupt Measurement body", -1));

        long s = base;
        c.add(bad(wire, "unknown kind", TestData.measurement(sensor, ++s, "WAVELET", 8, TestData.N),
                Rejection.Cause.UNKNOWN_OPERATOR_KIND, "unknown operator kind 'WAVELET'"));
        Measurement shortY = TestData.measurement(sensor, ++s);
        shortY.setY(shortY.getY().subList(0, 5));
        c.add(bad(wire, "len(y) != m", shortY, Rejection.Cause.WRONG_Y_LENGTH, "y has 5 values but operator m=8"));
        c.add(bad(wire, "n != prior", TestData.measurement(sensor, ++s, "INPAINT", 8, 32),
                Rejection.Cause.WRONG_N, "operator n=32 but the prior produces 16 pixels"));
        Measurement nanY = TestData.measurement(sensor, ++s);
        nanY.getY().set(3, Float.NaN);
        c.add(bad(wire, "NaN in y", nanY, Rejection.Cause.NON_FINITE_Y, "y[3] is NaN"));
        Measurement infTruth = TestData.measurement(sensor, ++s);
        infTruth.getTruth().set(2, Float.POSITIVE_INFINITY);
        c.add(bad(wire, "infinite truth", infTruth, Rejection.Cause.BAD_TRUTH, "truth[2] is Infinity"));
        c.add(bad(wire, "m over limit", TestData.measurement(sensor, ++s, "GAUSSIAN", 100, TestData.N),
                Rejection.Cause.OVER_LIMIT, "m=100, n=16 exceeds the configured limits maxM=64"));
        c.add(bad(wire, "n over limit", TestData.measurement(sensor, ++s, "INPAINT", 8, 128),
                Rejection.Cause.OVER_LIMIT, "n=128 exceeds the configured limits"));
        c.add(bad(wire, "m > n for INPAINT", TestData.measurement(sensor, ++s, "INPAINT", 20, TestData.N),
                Rejection.Cause.INVALID_OPERATOR, "INPAINT operator needs m <= n, got m=20 > n=16"));
        Measurement noisy = TestData.measurement(sensor, ++s);
        noisy.setNoiseStd(-1f);
        c.add(bad(wire, "negative noise", noisy, Rejection.Cause.BAD_NOISE_STD, "noiseStd is -1.0"));
        Measurement truthLen = TestData.measurement(sensor, ++s);
        truthLen.setTruth(truthLen.getTruth().subList(0, 4));
        c.add(bad(wire, "short truth", truthLen, Rejection.Cause.BAD_TRUTH, "truth has 4 pixels but n=16"));
        c.add(bad(wire, "blank sensor", TestData.measurement(" ", ++s), Rejection.Cause.MISSING_SENSOR_ID,
                "sensorId is empty"));
        return c;
    }

    private static BadCase bad(AvroWire<Measurement> wire, String name, Measurement m, Rejection.Cause cause,
                               String fragment) {
        return new BadCase(name, wire.encode(m), cause, fragment, m.getSequence());
    }
}
