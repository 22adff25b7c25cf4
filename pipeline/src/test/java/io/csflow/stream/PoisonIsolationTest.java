package io.csflow.stream;

import io.csflow.avro.Measurement;
import io.csflow.avro.Reconstruction;
import io.csflow.core.operator.MeasurementOperators;
import io.csflow.core.operator.OperatorCache;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Poison records against a systemic failure, on the real batch service with a solver that has a known bug. */
class PoisonIsolationTest {

    private final TestServices.PoisonedAdjoint solver = new TestServices.PoisonedAdjoint();
    private final BatchReconstructionService service = new BatchReconstructionService(OperatorCache.shared()::get,
            solver, TestServices.MODEL_VERSION);
    private final PoisonIsolation isolation = new PoisonIsolation();

    private static List<Long> sequences(List<Reconstruction> out) {
        return out.stream().map(Reconstruction::getSequence).toList();
    }

    @Test
    void goodRecordsOfAPoisonedBatchComeOutInOrderAndThePoisonIsNamed() {
        List<Measurement> batch = List.of(TestData.measurement("a", 0), TestServices.poison("b", 1),
                TestData.measurement("a", 2), TestData.measurement("c", 3, "INPAINT", 12, TestData.N));
        PoisonIsolation.Outcome out = isolation.reconstruct(service, batch);

        assertEquals(List.of(0L, 2L, 3L), sequences(out.reconstructions()));
        assertEquals(TestData.expectedPixel(batch.get(0), 5), out.reconstructions().get(0).getImage().get(5), 1e-6f);
        assertEquals(1, out.poisoned().size());
        PoisonIsolation.Poisoned p = out.poisoned().get(0);
        assertSame(batch.get(1), p.measurement());
        assertEquals(Rejection.Cause.RECONSTRUCTION_FAILED, p.rejection().cause());
        assertEquals("reconstruction of sensor 'b' sequence 1, INPAINT seed 42 m=8 n=16 by adjoint failed:"
                + " ArithmeticException: step size underflow at y[0]=777.0; the record passed validation and other"
                + " records of its batch were reconstructed, so the solver cannot handle this record (a solver bug,"
                + " or an operator it does not support): report it with this dead letter (raw holds the"
                + " Measurement) and replay it once fixed", p.rejection().reason());
    }

    @Test
    void aLonePoisonRecordIsJudgedByTheLastGoodRecord() {
        isolation.reconstruct(service, List.of(TestData.measurement("a", 0)));
        PoisonIsolation.Outcome out = isolation.reconstruct(service, List.of(TestServices.poison("b", 1)));
        assertTrue(out.reconstructions().isEmpty());
        assertEquals(1, out.poisoned().size());
        assertTrue(out.poisoned().get(0).rejection().reason().contains("the record reconstructed before it"
                + " (sensor 'a' sequence 0, INPAINT seed 42 m=8 n=16) still is"), out.poisoned().get(0).toString());
    }

    @Test
    void aBatchOfOnlyPoisonBeforeAnyGoodRecordFailsBecauseItCannotTell() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> isolation.reconstruct(service, List.of(TestServices.poison("b", 1))));
        assertTrue(e.getMessage().startsWith("reconstruction by adjoint failed for all 1 record(s) of a batch, also"
                + " one by one, and no record has been reconstructed since this instance started"), e.getMessage());
        assertInstanceOf(ArithmeticException.class, e.getCause());
    }

    @Test
    void aSolverThatFailsForEveryRecordFailsTheBatchInsteadOfDeadLetteringIt() {
        isolation.reconstruct(service, List.of(TestData.measurement("a", 0)));
        solver.broken.set(true);
        List<Measurement> batch = List.of(TestData.measurement("a", 1), TestData.measurement("b", 2));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> isolation.reconstruct(service, batch));
        assertTrue(e.getMessage().contains("for the record reconstructed before them (sensor 'a' sequence 0,"
                + " INPAINT seed 42 m=8 n=16), so the solver itself fails: failing the task"), e.getMessage());
        assertEquals("native solver unavailable", e.getCause().getMessage());
        assertEquals(2, e.getSuppressed().length, "the two one-by-one failures");

        solver.broken.set(false); // repaired (e.g. after the restart): the same batch goes through whole
        assertEquals(List.of(1L, 2L), sequences(isolation.reconstruct(service, batch).reconstructions()));
    }

    @Test
    void anOperatorTheFactoryCannotBuildIsDeadLetteredToo() {
        BatchReconstructionService picky = new BatchReconstructionService(spec -> {
            if (spec.m() == 12) {
                throw new UnsupportedOperationException("no INPAINT operator with m=12 on this build");
            }
            return MeasurementOperators.create(spec);
        }, new AdjointReconstructor(), TestServices.MODEL_VERSION);
        List<Measurement> batch = List.of(TestData.measurement("a", 0),
                TestData.measurement("c", 1, "INPAINT", 12, TestData.N), TestData.measurement("a", 2));
        PoisonIsolation.Outcome out = isolation.reconstruct(picky, batch);
        assertEquals(List.of(0L, 2L), sequences(out.reconstructions()));
        assertEquals(1, out.poisoned().size());
        assertTrue(out.poisoned().get(0).rejection().reason().contains("INPAINT seed 42 m=12 n=16 by adjoint failed:"
                + " UnsupportedOperationException: no INPAINT operator with m=12"), out.poisoned().toString());
    }
}
