package io.csflow.stream;

import io.csflow.avro.Measurement;
import io.csflow.stream.wire.AvroWire;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class MeasurementValidatorTest {

    private final MeasurementValidator validator = BadRecords.validator();

    static List<BadRecords.BadCase> badCases() {
        return BadRecords.all("sensor-x", 1000);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badCases")
    void rejectsWithCauseAndActionableReason(BadRecords.BadCase bad) {
        ValidationResult r = validator.validate(bad.value());
        assertFalse(r.isValid(), bad.name());
        assertEquals(bad.cause(), r.rejection().cause(), r.rejection().reason());
        assertTrue(r.rejection().reason().contains(bad.reasonFragment()),
                "reason '" + r.rejection().reason() + "' should contain '" + bad.reasonFragment() + "'");
    }

    @Test
    void everyCauseIsCovered() {
        Set<Rejection.Cause> covered = EnumSet.noneOf(Rejection.Cause.class);
        badCases().forEach(b -> covered.add(b.cause()));
        // RECONSTRUCTION_FAILED is the reconstruct operator's (PoisonIsolationTest), never the validator's
        assertEquals(EnumSet.complementOf(EnumSet.of(Rejection.Cause.RECONSTRUCTION_FAILED)), covered);
    }

    @Test
    void acceptsGoodRecordsOfEveryKind() {
        AvroWire<Measurement> wire = AvroWire.measurements();
        for (String kind : List.of("INPAINT", "GAUSSIAN", "RADEMACHER", "SUBSAMPLED_DCT", "inpaint")) {
            Measurement m = TestData.measurement("s", 1, kind, 8, TestData.N);
            ValidationResult r = validator.validate(wire.encode(m));
            assertTrue(r.isValid(), () -> kind + ": " + r.rejection());
            assertEquals(m, r.measurement());
        }
        // dense kinds may have m > n; no truth is fine
        Measurement wide = TestData.measurement("s", 2, "GAUSSIAN", 20, TestData.N);
        wide.setTruth(null);
        assertTrue(validator.validate(wire.encode(wide)).isValid());
    }

    @Test
    void constructorChecksItsLimits() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MeasurementValidator(100, 10, 64));
        assertTrue(e.getMessage().contains("got 100"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new MeasurementValidator(16, 0, 64));
    }
}
