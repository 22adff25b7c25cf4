package io.csflow.stream.flink;

import io.csflow.avro.DeadLetter;
import io.csflow.avro.Measurement;
import io.csflow.avro.ModelSnapshot;
import io.csflow.avro.Reconstruction;
import io.csflow.core.operator.OperatorCache;
import io.csflow.core.prior.VaePrior;
import io.csflow.stream.AdjointReconstructor;
import io.csflow.stream.BatchReconstructionService;
import io.csflow.stream.ModelUpdates;
import io.csflow.stream.ReconstructionServiceFactory;
import io.csflow.stream.TestData;
import io.csflow.stream.TestServices;
import io.csflow.stream.wire.AvroWire;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithNonKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.BroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The reconstruct operator's model handling and poison records on Flink's operator harness (no cluster, tiny
 * 16-pixel priors).
 */
class ReconstructFunctionTest {

    private static final VaePrior BASE = VaePrior.initialise(TestData.N, 8, 4, 5).withVersion(1, Map.of());

    /** Adjoint reconstructions that report the version of whatever prior the service was built with. */
    static final class VersionedFactory implements ReconstructionServiceFactory {
        private static final long serialVersionUID = 1L;

        @Override
        public BatchReconstructionService create() {
            return create(BASE);
        }

        @Override
        public BatchReconstructionService create(VaePrior prior) {
            return new BatchReconstructionService(OperatorCache.shared()::get, new AdjointReconstructor(),
                    prior.version());
        }

        @Override
        public boolean swapsPriors() {
            return true;
        }
    }

    /** The solver of {@link #poisoned()}'s services; statics are shared with the harness (same JVM). */
    static final TestServices.PoisonedAdjoint POISONED = new TestServices.PoisonedAdjoint();

    static ReconstructionServiceFactory poisoned() {
        return () -> new BatchReconstructionService(OperatorCache.shared()::get, POISONED, TestServices.MODEL_VERSION);
    }

    private static ReconstructFunction function() {
        return new ReconstructFunction(new VersionedFactory(), new ModelUpdates(TestData.N), null, "cs.measurements");
    }

    /** The operator around f, restored from state when given, with the Avro output serializer, opened. */
    private static BroadcastOperatorTestHarness<List<Measurement>, byte[], Reconstruction> harness(
            ReconstructFunction f, OperatorSubtaskState state) throws Exception {
        var h = new BroadcastOperatorTestHarness<>(new CoBroadcastWithNonKeyedOperator<>(f,
                List.of(ReconstructFunction.MODELS)), 1, 1, 0);
        h.setup(AvroTypeInfo.RECONSTRUCTION.createSerializer(new SerializerConfigImpl()));
        if (state != null) {
            h.initializeState(state);
        }
        h.open();
        return h;
    }

    private static byte[] snapshot(VaePrior p, long version) {
        return AvroWire.modelSnapshots().encode(p.withVersion(version, Map.of()).toSnapshot(0L));
    }

    private static byte[] poisoned(long version) {
        ModelSnapshot s = BASE.withVersion(version, Map.of()).toSnapshot(0L);
        s.getLayers().get(0).getValues().set(0, Float.NaN);
        return AvroWire.modelSnapshots().encode(s);
    }

    private static long lastVersion(BroadcastOperatorTestHarness<List<Measurement>, byte[], Reconstruction> h,
                                    long sequence) throws Exception {
        h.processElement(List.of(TestData.measurement("s", sequence)), 0L);
        List<Reconstruction> out = h.extractOutputValues();
        return out.get(out.size() - 1).getModelVersion();
    }

    @Test
    void takesNewerValidModelsAtTheNextBatchAndRejectsTheRest() throws Exception {
        ReconstructFunction f = function();
        try (var h = harness(f, null)) {
            assertEquals(1L, lastVersion(h, 0));
            h.processBroadcastElement(snapshot(BASE, 2), 0L);
            assertEquals(1L, f.loadedVersion(), "the switch waits for the next batch");
            assertEquals(2L, lastVersion(h, 1));

            h.processBroadcastElement(poisoned(3), 0L);                                  // NaN weight
            h.processBroadcastElement(snapshot(VaePrior.initialise(9, 8, 4, 1), 4), 0L); // wrong output size
            h.processBroadcastElement(snapshot(BASE, 2), 0L);                           // not newer
            h.processBroadcastElement(snapshot(BASE, 1), 0L);                           // older
            h.processBroadcastElement("garbage".getBytes(StandardCharsets.UTF_8), 0L);  // not Avro
            assertEquals(2L, lastVersion(h, 2));
            assertEquals(1, f.modelsAcceptedCount());
            assertEquals(5, f.modelsRejectedCount());
            Tuple2<Long, byte[]> current = h.getBroadcastState(ReconstructFunction.MODELS)
                    .get(ReconstructFunction.CURRENT);
            assertEquals(2L, current.f0);

            h.processBroadcastElement(snapshot(BASE, 7), 0L);
            h.processBroadcastElement(snapshot(BASE, 5), 0L); // arrives late: older than 7
            assertEquals(7L, lastVersion(h, 3));
            assertEquals(2, f.modelsAcceptedCount());
            assertEquals(6, f.modelsRejectedCount());
        }
    }

    @Test
    void aRestoredOperatorStartsFromTheNewestAcceptedModel() throws Exception {
        OperatorSubtaskState state;
        try (var h = harness(function(), null)) {
            h.processBroadcastElement(snapshot(BASE, 2), 0L);
            assertEquals(2L, lastVersion(h, 0));
            state = h.snapshot(1L, 0L);
        }
        ReconstructFunction restoredFunction = function();
        try (var h = harness(restoredFunction, state)) {
            assertEquals(2L, lastVersion(h, 1), "the first batch after a restore uses version 2, not the file's 1");
            h.processBroadcastElement(snapshot(BASE, 2), 0L); // the replayed topic: rejected, not newer
            assertEquals(1, restoredFunction.modelsRejectedCount());
            assertEquals(2L, lastVersion(h, 2));
        }
    }

    @Test
    void aRecordTheSolverThrowsOnIsDeadLetteredAndTheOthersComeOut() throws Exception {
        POISONED.broken.set(false);
        ReconstructFunction f = new ReconstructFunction(poisoned(), new ModelUpdates(TestData.N), null,
                "cs.measurements");
        Measurement poison = TestServices.poison("sensor-b", 1);
        try (var h = harness(f, null)) {
            h.processElement(List.of(TestData.measurement("sensor-a", 0), poison, TestData.measurement("sensor-a", 2)),
                    0L);
            assertEquals(List.of(0L, 2L), h.extractOutputValues().stream().map(Reconstruction::getSequence).toList());

            List<DeadLetter> dead = h.getSideOutput(ValidateFunction.DEAD_LETTERS).stream()
                    .map(StreamRecord::getValue).toList();
            assertEquals(1, dead.size());
            DeadLetter d = dead.get(0);
            assertTrue(d.getReason().startsWith("RECONSTRUCTION_FAILED: reconstruction of sensor 'sensor-b' sequence 1"
                    + ", INPAINT seed 42 m=8 n=16 by adjoint failed: ArithmeticException: step size underflow"),
                    d.getReason());
            assertEquals(poison, AvroWire.measurements().decode(bytes(d.getRaw())), "raw decodes to the record");
            assertEquals("sensor-b", new String(bytes(d.getKey()), StandardCharsets.UTF_8));
            assertEquals("cs.measurements", d.getSourceTopic());
            assertEquals(-1, d.getSourcePartition());
            assertEquals(-1L, d.getSourceOffset());
            assertEquals(1, f.deadLettersCount());

            h.processElement(List.of(TestServices.poison("sensor-b", 3)), 0L); // alone: judged by the last good one
            assertEquals(2, h.getSideOutput(ValidateFunction.DEAD_LETTERS).size());
            assertEquals(2, f.deadLettersCount());
            assertEquals(2, h.extractOutputValues().size(), "nothing else came out");
        }
    }

    @Test
    void aSolverThatFailsForEveryRecordFailsTheTask() throws Exception {
        POISONED.broken.set(false);
        ReconstructFunction f = new ReconstructFunction(poisoned(), new ModelUpdates(TestData.N), null,
                "cs.measurements");
        try (var h = harness(f, null)) {
            h.processElement(List.of(TestData.measurement("sensor-a", 0)), 0L);
            POISONED.broken.set(true);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> h.processElement(
                    List.of(TestData.measurement("sensor-a", 1), TestData.measurement("sensor-a", 2)), 0L));
            assertTrue(e.getMessage().contains("so the solver itself fails: failing the task"), e.getMessage());
            assertEquals(1, h.extractOutputValues().size(), "only the record before the failure");
            assertNull(h.getSideOutput(ValidateFunction.DEAD_LETTERS), "nothing dead-lettered");
            assertEquals(0, f.deadLettersCount());
        } finally {
            POISONED.broken.set(false);
        }
    }

    private static byte[] bytes(java.nio.ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }
}
