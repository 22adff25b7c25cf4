package io.csflow.stream;

import io.csflow.avro.Measurement;
import io.csflow.avro.Reconstruction;
import io.csflow.core.operator.MeasurementOperators;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

class BatchReconstructionServiceTest {

    @Test
    void reconstructsMixedOperatorBatchInOrderAndCopiesFields() {
        AtomicInteger built = new AtomicInteger();
        BatchReconstructionService service = new BatchReconstructionService(spec -> {
            built.incrementAndGet();
            return MeasurementOperators.create(spec);
        }, new AdjointReconstructor(), () -> 7L, () -> 123L);
        List<Measurement> batch = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            batch.add(i % 2 == 0 ? TestData.measurement("a", i) : TestData.measurement("b", i, "INPAINT", 12, 16));
        }
        batch.get(5).setTruth(null);
        batch.get(5).setLabel(null);
        List<Reconstruction> out = service.reconstruct(batch);
        assertEquals(2, built.get(), "one operator per distinct spec");
        assertEquals(6, out.size());
        for (int i = 0; i < 6; i++) {
            Measurement m = batch.get(i);
            Reconstruction r = out.get(i);
            assertEquals(m.getSensorId(), r.getSensorId());
            assertEquals(m.getSequence(), r.getSequence());
            assertEquals(m.getEventTimeMillis(), r.getEventTimeMillis());
            assertEquals(m.getLabel(), r.getLabel());
            assertEquals("adjoint", r.getMethod());
            assertEquals(7L, r.getModelVersion());
            assertEquals(1, r.getIterations());
            assertEquals(123L, r.getProcessedAtMillis());
            assertEquals(16, r.getImage().size());
            for (int p = 0; p < 16; p++) {
                assertEquals(TestData.expectedPixel(m, p), r.getImage().get(p), 1e-6f);
            }
            assertEquals(0f, r.getRelativeResidual(), 1e-6f);
            if (m.getTruth() == null) {
                assertNull(r.getMse());
            } else {
                assertEquals(expectedMse(m), r.getMse(), 1e-6f);
            }
        }
    }

    static float expectedMse(Measurement m) {
        return TestData.expectedMse(m);
    }
}
