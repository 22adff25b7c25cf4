package io.csflow.stream.flink;

import io.csflow.avro.ModelSnapshot;
import io.csflow.core.learn.OnlineTrainer;
import io.csflow.core.learn.TaskSpec;
import io.csflow.core.operator.MeasurementOperator;
import io.csflow.core.operator.OperatorCache;
import io.csflow.core.operator.OperatorSpec;
import io.csflow.core.prior.Priors;
import io.csflow.core.prior.VaePrior;
import io.csflow.data.FashionMnist;
import io.csflow.stream.TrainingConfig;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.apache.flink.runtime.state.storage.FileSystemCheckpointStorage;
import java.nio.file.Path;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class TrainerFunctionTest {

    private static VaePrior prior;
    private static List<TrainingRecord> records;

    @BeforeAll
    static void records() throws Exception {
        prior = Priors.loadDefault();
        FashionMnist.Dataset images = FashionMnist.load(FashionMnist.Split.TEST).subset(0, 24);
        Random rnd = new Random(3);
        records = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            boolean a = i % 2 == 0;
            OperatorSpec spec = OperatorSpec.of(a ? "gaussian" : "subsampled_dct", a ? 7 : 11, a ? 200 : 300,
                    FashionMnist.PIXELS);
            MeasurementOperator op = OperatorCache.shared().get(spec);
            INDArray y = Nd4j.create(DataType.FLOAT, 1, op.m());
            op.forward(Nd4j.create(images.images()[i], new long[]{1, FashionMnist.PIXELS}, 'c'), y);
            TrainingRecord r = new TrainingRecord();
            r.sensorId = (a ? "cam-a-" : "cam-b-") + (i % 3);
            r.sequence = i;
            r.operatorKind = spec.kind().name();
            r.operatorSeed = spec.seed();
            r.m = spec.m();
            r.n = spec.n();
            r.y = y.toFloatVector();
            r.latent = new float[prior.latentDim()];
            for (int k = 0; k < r.latent.length; k++) {
                r.latent[k] = (float) (0.5 * rnd.nextGaussian());
            }
            r.truth = images.images()[i];
            r.modelVersion = prior.version();
            records.add(r);
        }
    }

    private static TrainingConfig config() {
        return TrainingConfig.of(Priors.DEFAULT.toString(), new OnlineTrainer.Config(List.of(
                new TaskSpec("gauss", "cam-a-\\d+", 40, TaskSpec.BufferMode.RESERVOIR),
                new TaskSpec("dct", "cam-b-\\d+", 40, TaskSpec.BufferMode.WINDOW)),
                "nash-mtl", "adam", 3e-5, 1e-5, 10.0, 4, 3, 0.5, 42));
    }

    @TempDir
    static Path checkpoints;

    private static OneInputStreamOperatorTestHarness<TrainingRecord, ModelSnapshot> harness(TrainerFunction f)
            throws Exception {
        var h = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(f));
        // the trainer's state (~10 MB for the shipped prior) is over the 5 MB of memory-backed checkpoints
        h.setCheckpointStorage(new FileSystemCheckpointStorage(checkpoints.toUri()));
        h.setup(new AvroTypeInfo<>(ModelSnapshot.class).createSerializer(new SerializerConfigImpl()));
        return h;
    }

    @Test
    void publishesGuardedVersionsAndResumesFromACheckpoint() throws Exception {
        TrainerFunction f = new TrainerFunction(config());
        OperatorSubtaskState snap;
        try (var h = harness(f)) {
            h.open();
            for (int i = 0; i < 16; i++) {
                h.processElement(records.get(i), i);
            }
            List<ModelSnapshot> out = h.extractOutputValues();
            assertTrue(f.trainer().steps() >= 3, "steps: " + f.trainer().steps());
            assertFalse(out.isEmpty(), "a candidate passed the guard");
            assertEquals(prior.version() + 1, out.get(0).getVersion());
            assertEquals(Long.toString(prior.version()), out.get(0).getMetadata().get("trainer.parent").toString());
            assertEquals(f.trainer().accepted(), out.size());
            snap = h.snapshot(1, 100);

            TrainerFunction g = new TrainerFunction(config());
            try (var restored = harness(g)) {
                restored.initializeState(snap);
                restored.open();
                assertEquals(f.trainer().steps(), g.trainer().steps());
                assertEquals(f.trainer().current().version(), g.trainer().current().version());
                for (int i = 16; i < 24; i++) {
                    h.processElement(records.get(i), i);
                    restored.processElement(records.get(i), i);
                }
                assertEquals(f.trainer().steps(), g.trainer().steps());
                assertArrayEquals(f.trainer().snapshot().params(), g.trainer().snapshot().params(),
                        "the restored trainer continues identically");
                assertEquals(h.extractOutputValues().size() - out.size(), restored.extractOutputValues().size());
            }
        }
    }
}
