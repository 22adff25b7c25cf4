package io.csflow.stream.flink;

import io.csflow.avro.Measurement;
import io.csflow.avro.Reconstruction;
import io.csflow.stream.TestData;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class PairForTrainingFunctionTest {

    private static KeyedTwoInputStreamOperatorTestHarness<String, Measurement, Reconstruction, TrainingRecord> harness()
            throws Exception {
        var h = new KeyedTwoInputStreamOperatorTestHarness<>(new KeyedCoProcessOperator<>(
                new PairForTrainingFunction(1000)), PairForTrainingFunction.measurementKey(),
                PairForTrainingFunction.reconstructionKey(), Types.STRING);
        h.setup(org.apache.flink.api.common.typeinfo.TypeInformation.of(TrainingRecord.class)
                .createSerializer(new SerializerConfigImpl()));
        return h;
    }

    static Reconstruction reconstruction(String sensor, long sequence, int latentDim) {
        List<Float> image = new ArrayList<>(Collections.nCopies(TestData.N, 0.5f));
        List<Float> latent = new ArrayList<>();
        for (int i = 0; i < latentDim; i++) {
            latent.add(0.1f * (i + 1));
        }
        return Reconstruction.newBuilder().setSensorId(sensor).setSequence(sequence).setEventTimeMillis(sequence)
                .setImage(image).setUncertainty(image).setLatent(latent).setRelativeResidual(0.1f)
                .setMethod(latentDim == 0 ? "lasso-dct" : "csgm").setModelVersion(latentDim == 0 ? 0 : 1)
                .setIterations(10).build();
    }

    @Test
    void pairsInEitherOrderOnlyWithALatentAndCleansUp() throws Exception {
        try (var h = harness()) {
            h.open();
            h.setProcessingTime(0);
            Measurement a1 = TestData.measurement("a", 1);
            h.processElement1(a1, 0);
            assertTrue(h.extractOutputValues().isEmpty());
            h.processElement2(reconstruction("a", 1, 3), 0);
            // reconstruction first
            h.processElement2(reconstruction("b", 7, 2), 0);
            h.processElement1(TestData.measurement("b", 7, "INPAINT", 12, TestData.N), 0);
            // no prior used: dropped
            h.processElement1(TestData.measurement("a", 2), 0);
            h.processElement2(reconstruction("a", 2, 0), 0);
            List<TrainingRecord> out = h.extractOutputValues();
            assertEquals(2, out.size());
            TrainingRecord r = out.get(0);
            assertEquals("a", r.sensorId);
            assertEquals(1, r.sequence);
            assertArrayEquals(new float[]{0.1f, 0.2f, 0.3f}, r.latent);
            assertEquals(a1.getOperator().getKind(), r.operatorKind);
            assertEquals(a1.getOperator().getM(), r.m);
            assertEquals(a1.getY().size(), r.y.length);
            assertEquals(a1.getTruth().size(), r.truth.length);
            assertEquals(1, r.modelVersion);
            assertEquals("b", out.get(1).sensorId);
            assertEquals(12, out.get(1).m);
            assertEquals(0, h.numKeyedStateEntries(), "paired keys leave no state");
            assertEquals(0, h.numProcessingTimeTimers());

            h.processElement1(TestData.measurement("c", 1), 0);
            OperatorSubtaskState snap = h.snapshot(1, 0);
            try (var restored = harness()) {
                restored.initializeState(snap);
                restored.open();
                restored.setProcessingTime(500);
                restored.processElement2(reconstruction("c", 1, 2), 0);
                assertEquals(1, restored.extractOutputValues().size(), "the waiting measurement survives restore");
            }
            assertEquals(1, h.numProcessingTimeTimers());
            h.setProcessingTime(1000);
            assertEquals(0, h.numKeyedStateEntries(), "an unpaired measurement expires");
            h.processElement2(reconstruction("c", 1, 2), 0);
            assertEquals(2, h.extractOutputValues().size(), "its late reconstruction waits instead of pairing");
        }
    }
}
