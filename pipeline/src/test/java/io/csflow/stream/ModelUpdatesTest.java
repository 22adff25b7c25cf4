package io.csflow.stream;

import io.csflow.avro.ModelSnapshot;
import io.csflow.core.prior.Priors;
import io.csflow.core.prior.VaePrior;
import io.csflow.stream.wire.AvroWire;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class ModelUpdatesTest {

    private static VaePrior shipped;
    private static final ModelUpdates UPDATES = new ModelUpdates(784);

    @BeforeAll
    static void load() {
        shipped = Priors.loadDefault();
    }

    static byte[] encode(ModelSnapshot s) throws Exception {
        return AvroWire.modelSnapshots().encode(s);
    }

    static ModelSnapshot poisoned(VaePrior p, long version, float bad) {
        ModelSnapshot s = p.withVersion(version, Map.of("note", "poisoned")).toSnapshot(0L);
        s.getLayers().get(s.getLayers().size() / 2).getValues().set(3, bad);
        return s;
    }

    private static String reason(byte[] value, long current) {
        return assertThrows(ModelUpdates.Rejected.class, () -> UPDATES.validate(value, current)).getMessage();
    }

    @Test
    void acceptsANewerVersionOfTheRightShape() throws Exception {
        long v = shipped.version();
        VaePrior p = UPDATES.validate(encode(shipped.withVersion(v + 1, Map.of()).toSnapshot(0L)), v);
        assertEquals(v + 1, p.version());
        assertEquals(784, p.outputDim());
    }

    @Test
    void rejectsOlderEqualPoisonedMisshapenAndGarbage() throws Exception {
        long v = shipped.version();
        assertTrue(reason(encode(shipped.toSnapshot(0L)), v).contains("not newer"));
        assertTrue(reason(encode(shipped.withVersion(v + 1, Map.of()).toSnapshot(0L)), v + 5).contains("not newer"));
        assertTrue(reason(encode(poisoned(shipped, v + 1, Float.NaN)), v).contains("non-finite"));
        assertTrue(reason(encode(poisoned(shipped, v + 1, Float.POSITIVE_INFINITY)), v).contains("non-finite"));
        assertTrue(reason(encode(VaePrior.initialise(16, 8, 4, 5).withVersion(v + 1, Map.of()).toSnapshot(0L)), v)
                .contains("outputs 16 pixels"));
        assertTrue(reason("not avro".getBytes(StandardCharsets.UTF_8), v).startsWith("not a ModelSnapshot"));
        assertTrue(reason(null, v).contains("tombstone"));
        ModelSnapshot wrongArch = shipped.withVersion(v + 1, Map.of()).toSnapshot(0L);
        wrongArch.setArchitecture("transformer");
        assertTrue(reason(encode(wrongArch), v).contains("not a usable VAE prior"));
    }

    @Test
    void coreFactoryBuildsFromAnInMemoryPriorAndReportsItsVersion() throws Exception {
        CoreReconstructionServiceFactory f = new CoreReconstructionServiceFactory("csgm",
                CoreReconstructionJobTest.cheapCsgm(), Priors.DEFAULT.toString());
        assertTrue(f.swapsPriors());
        try (BatchReconstructionService s = f.create(shipped.withVersion(42, Map.of()))) {
            assertEquals(42, s.modelVersion());
        }
        assertFalse(TestServices.adjoint().swapsPriors());
    }
}
