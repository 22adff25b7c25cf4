package io.csflow.stream.flink;

import io.csflow.avro.Measurement;
import io.csflow.stream.TestData;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class BatchingFunctionTest {

    private static final int BUCKETS = 1; // every sensor in one batch key

    private static KeyedOneInputStreamOperatorTestHarness<Integer, Measurement, List<Measurement>> harness()
            throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new BatchingFunction(3, 100)), new BatchKeySelector(BUCKETS), Types.INT);
        h.setup(AvroTypeInfo.MEASUREMENT_BATCH.createSerializer(new SerializerConfigImpl()));
        return h;
    }

    @Test
    void flushesWhenFullThenOnTimeout() throws Exception {
        try (var h = harness()) {
            h.open();
            h.setProcessingTime(0);
            h.processElement(TestData.measurement("a", 1), 0);
            h.processElement(TestData.measurement("b", 1), 0);
            assertTrue(h.extractOutputValues().isEmpty());
            h.processElement(TestData.measurement("a", 2), 0);
            List<List<Measurement>> out = h.extractOutputValues();
            assertEquals(1, out.size());
            assertEquals(List.of(1L, 1L, 2L), out.get(0).stream().map(Measurement::getSequence).toList());
            assertEquals(0, h.numProcessingTimeTimers(), "size flush must delete the pending timer");

            h.setProcessingTime(50);
            h.processElement(TestData.measurement("a", 3), 0);
            h.setProcessingTime(149);
            assertEquals(1, h.extractOutputValues().size(), "not yet: the oldest record waited 99 ms");
            h.setProcessingTime(150);
            out = h.extractOutputValues();
            assertEquals(2, out.size());
            assertEquals(List.of(TestData.measurement("a", 3)), out.get(1));
            h.setProcessingTime(1000);
            assertEquals(2, h.extractOutputValues().size(), "no empty batches");
        }
    }

    @Test
    void bufferedRecordsAndTimerSurviveSnapshotRestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            h.setProcessingTime(10);
            h.processElement(TestData.measurement("a", 1), 0);
            h.processElement(TestData.measurement("b", 5), 0);
            snapshot = h.snapshot(1L, 10L);
        }
        try (var restored = harness()) {
            restored.initializeState(snapshot);
            restored.open();
            restored.setProcessingTime(20);
            assertTrue(restored.extractOutputValues().isEmpty());
            // one more record fills the restored buffer: the batch holds the two from before the failure
            restored.processElement(TestData.measurement("a", 2), 0);
            List<List<Measurement>> out = restored.extractOutputValues();
            assertEquals(1, out.size());
            assertEquals(List.of(TestData.measurement("a", 1), TestData.measurement("b", 5),
                    TestData.measurement("a", 2)), out.get(0));
        }
        try (var restored = harness()) {
            restored.initializeState(snapshot);
            restored.open();
            // the restored timer (due at 110) flushes without any new input
            restored.setProcessingTime(110);
            assertEquals(List.of(List.of(TestData.measurement("a", 1), TestData.measurement("b", 5))),
                    restored.extractOutputValues());
        }
    }

    @Test
    void rejectsBadSettings() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new BatchingFunction(0, 10))
                .getMessage().contains("got 0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new BatchingFunction(4, -5))
                .getMessage().contains("-5 ms"));
    }
}
