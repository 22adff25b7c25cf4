package io.csflow.stream;

import io.csflow.avro.Measurement;
import io.csflow.core.operator.OperatorKind;
import io.csflow.core.operator.OperatorSpec;
import io.csflow.stream.wire.AvroWire;
import io.csflow.stream.wire.WireException;

import java.io.Serializable;
import java.util.List;

import static io.csflow.stream.Rejection.Cause.*;

/**
 * Checks a raw Kafka value before it reaches a solver, so one bad record goes to the dead letters instead of
 * failing a whole batch (and, through restarts, the job). Plain Java and serializable: Flink ships it as is.
 * Checks run cheapest first and stop at the first problem; every reason says what was wrong and what to do.
 */
public final class MeasurementValidator implements Serializable {

    private static final long serialVersionUID = 1L;

    private final AvroWire<Measurement> wire;
    private final int expectedN;
    private final int maxM;
    private final int maxN;

    /**
     * @param expectedN the prior's output size: every frame must have exactly this many pixels
     * @param maxM      largest accepted m (bounds the memory and time one record may take)
     * @param maxN      largest accepted n
     */
    public MeasurementValidator(AvroWire<Measurement> wire, int expectedN, int maxM, int maxN) {
        if (wire == null) {
            throw new IllegalArgumentException("validator needs an AvroWire for Measurement");
        }
        if (maxM <= 0 || maxN <= 0) {
            throw new IllegalArgumentException("limits must be positive, got maxM=" + maxM + ", maxN=" + maxN);
        }
        if (expectedN <= 0 || expectedN > maxN) {
            throw new IllegalArgumentException("expectedN must be in 1.." + maxN + " (maxN), got " + expectedN);
        }
        this.wire = wire;
        this.expectedN = expectedN;
        this.maxM = maxM;
        this.maxN = maxN;
    }

    public MeasurementValidator(int expectedN, int maxM, int maxN) {
        this(AvroWire.measurements(), expectedN, maxM, maxN);
    }

    public ValidationResult validate(byte[] value) {
        Measurement m;
        try {
            m = wire.decode(value);
        } catch (WireException e) {
            Rejection.Cause cause = switch (e.kind()) {
                case NOT_SINGLE_OBJECT -> NOT_SINGLE_OBJECT;
                case UNKNOWN_FINGERPRINT -> UNKNOWN_FINGERPRINT;
                case CORRUPT_BODY -> CORRUPT_BODY;
            };
            return ValidationResult.rejected(cause, "cannot decode: " + e.getMessage());
        }
        return validate(m);
    }

    /** Checks a decoded measurement (also used by producers that want to fail fast). */
    public ValidationResult validate(Measurement m) {
        String who = "sensor '" + m.getSensorId() + "' sequence " + m.getSequence();
        if (m.getSensorId() == null || m.getSensorId().isBlank()) {
            return ValidationResult.rejected(MISSING_SENSOR_ID, "sensorId is empty (sequence " + m.getSequence()
                    + "): every sensor must send its stable id, which is also the Kafka key");
        }
        io.csflow.avro.OperatorSpec op = m.getOperator();
        OperatorKind kind;
        try {
            kind = OperatorKind.parse(op.getKind());
        } catch (IllegalArgumentException e) {
            return ValidationResult.rejected(UNKNOWN_OPERATOR_KIND, who + ": " + e.getMessage()
                    + "; fix the sensor's operator configuration");
        }
        if (op.getM() > maxM || op.getN() > maxN) {
            return ValidationResult.rejected(OVER_LIMIT, who + ": operator m=" + op.getM() + ", n=" + op.getN()
                    + " exceeds the configured limits maxM=" + maxM + ", maxN=" + maxN
                    + "; send fewer measurements or raise the job's limits");
        }
        try {
            new OperatorSpec(kind, op.getSeed(), op.getM(), op.getN());
        } catch (IllegalArgumentException e) {
            return ValidationResult.rejected(INVALID_OPERATOR, who + ": invalid operator: " + e.getMessage()
                    + "; fix the sensor's operator configuration");
        }
        if (op.getN() != expectedN) {
            return ValidationResult.rejected(WRONG_N, who + ": operator n=" + op.getN() + " but the prior produces "
                    + expectedN + " pixels; the sensor must measure frames of " + expectedN + " pixels");
        }
        List<Float> y = m.getY();
        if (y.size() != op.getM()) {
            return ValidationResult.rejected(WRONG_Y_LENGTH, who + ": y has " + y.size() + " values but operator m="
                    + op.getM() + "; y must hold exactly m measurements");
        }
        int bad = firstNonFinite(y);
        if (bad >= 0) {
            return ValidationResult.rejected(NON_FINITE_Y, who + ": y[" + bad + "] is " + y.get(bad)
                    + "; measurements must be finite: check the sensor's ADC / preprocessing");
        }
        List<Float> truth = m.getTruth();
        if (truth != null) {
            if (truth.size() != op.getN()) {
                return ValidationResult.rejected(BAD_TRUTH, who + ": truth has " + truth.size()
                        + " pixels but n=" + op.getN() + "; send the full frame or no truth");
            }
            bad = firstNonFinite(truth);
            if (bad >= 0) {
                return ValidationResult.rejected(BAD_TRUTH, who + ": truth[" + bad + "] is " + truth.get(bad)
                        + "; truth pixels must be finite (in [0,1]) or truth omitted");
            }
        }
        float noise = m.getNoiseStd();
        if (!Float.isFinite(noise) || noise < 0) {
            return ValidationResult.rejected(BAD_NOISE_STD, who + ": noiseStd is " + noise
                    + "; send a finite value >= 0 (0 when unknown)");
        }
        return ValidationResult.valid(m);
    }

    public int expectedN() {
        return expectedN;
    }

    private static int firstNonFinite(List<Float> values) {
        for (int i = 0; i < values.size(); i++) {
            Float v = values.get(i);
            if (v == null || !Float.isFinite(v)) {
                return i;
            }
        }
        return -1;
    }
}
