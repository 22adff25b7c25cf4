package io.csflow.stream;

import io.csflow.avro.Reconstruction;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class BatchSummaryTest {

    private static Reconstruction result(int iterations, float residual, List<Float> uncertainty) {
        return Reconstruction.newBuilder().setSensorId("s").setSequence(0).setEventTimeMillis(0)
                .setImage(List.of(0f, 0f)).setUncertainty(uncertainty).setLatent(List.of()).setRelativeResidual(residual)
                .setMethod("csgm").setModelVersion(7).setIterations(iterations).build();
    }

    @Test
    void averagesIterationsResidualAndPixelUncertaintyPerRecord() {
        BatchSummary s = BatchSummary.of(List.of(result(100, 0.2f, List.of(0.1f, 0.3f)),
                result(300, 0.4f, List.of())), 42, 7);
        assertEquals(2, s.size());
        assertEquals(42, s.solverMillis());
        assertEquals(200.0, s.meanIterations(), 1e-9);
        assertEquals(0.3, s.meanResidual(), 1e-6);
        // record 1: mean pixel std 0.2; record 2: none (a point estimate) counts as 0
        assertEquals(0.1, s.meanUncertainty(), 1e-6);
        assertEquals(7, s.modelVersion());
    }

    @Test
    void anEmptyBatchHasZeroMeans() {
        BatchSummary s = BatchSummary.of(List.of(), 5, 3);
        assertEquals(0, s.size());
        assertEquals(0.0, s.meanIterations());
        assertEquals(3, s.modelVersion());
    }
}
