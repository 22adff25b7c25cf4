package io.csflow.stream;

import io.csflow.avro.LayerWeights;
import io.csflow.avro.Measurement;
import io.csflow.avro.ModelSnapshot;
import io.csflow.avro.Reconstruction;
import io.csflow.core.learn.OnlineTrainer;
import io.csflow.core.learn.TaskSpec;
import io.csflow.core.operator.OperatorKind;
import io.csflow.core.prior.Priors;
import io.csflow.core.prior.VaePrior;
import io.csflow.core.solver.EarlyStop;
import io.csflow.core.solver.SolverOptions;
import io.csflow.core.solver.WarmStart;
import io.csflow.data.FashionMnist;
import io.csflow.stream.flink.TrainerFunction;
import io.csflow.stream.flink.TrainingRecord;
import io.csflow.stream.kafka.BrokerExtension;
import io.csflow.stream.kafka.KafkaTestClients;
import io.csflow.stream.wire.AvroWire;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.InstantiationUtil;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** The job with online training on: accepted model versions land on the compacted models topic. */
class TrainingJobTest {

    private static final int PARALLELISM = 2;
    private static final int N = FashionMnist.PIXELS;
    private static final int PER_GROUP = 30;
    private static final Duration WAIT = Duration.ofSeconds(90);

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(PARALLELISM).build());

    @RegisterExtension
    static final BrokerExtension KAFKA = new BrokerExtension();


    /** One restart, 150 iterations: the latents only have to be plausible for the trainer. */
    static SolverOptions cheaperCsgm() {
        // random starts without early stopping: the budget these tests were tuned with
        return SolverOptions.defaults().withLatent(1, 150, WarmStart.random(), EarlyStop.OFF);
    }

    /** Two tasks by sensor group, Nash-MTL + Adam 3e-5, batch 4, a candidate every 3 steps, a generous guard. */
    static TrainingConfig training() {
        return TrainingConfig.of(Priors.DEFAULT.toString(), new OnlineTrainer.Config(List.of(
                new TaskSpec("gauss", "cam-a-\\d+", 40, TaskSpec.BufferMode.RESERVOIR),
                new TaskSpec("dct", "cam-b-\\d+", 40, TaskSpec.BufferMode.WINDOW)),
                "nash-mtl", "adam", 3e-5, 1e-5, 10.0, 4, 3, 0.5, 42));
    }

    @Test
    void trainingTypesTravelWithoutKryo() throws Exception {
        assertInstanceOf(PojoTypeInfo.class, TrainerTopology.TRAINING_RECORD);
        TrainerFunction f = InstantiationUtil.clone(new TrainerFunction(training()));
        assertNotNull(f);
        JobConfig c = JobConfig.builder().bootstrapServers("localhost:1").build();
        assertNull(c.training(), "training is off by default");
        assertEquals(training(), InstantiationUtil.clone(c.toBuilder().training(training()).build()).training());
        assertThrows(IllegalArgumentException.class, () -> new TrainingConfig("p", training().trainer(), 0,
                Duration.ofMinutes(1), 1 << 20));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainerTopology
                .attachTrainer(c.toBuilder().training(training()).build(), null, null));
        assertTrue(e.getMessage().contains("checkpointDir"), e.getMessage());
    }

    @Test
    void publishesAcceptedModelVersionsExactlyOnce(@TempDir Path checkpoints) throws Exception {
        FashionMnist.Dataset images = FashionMnist.load(FashionMnist.Split.TEST).subset(0, 2 * PER_GROUP);
        List<Measurement> sent = new ArrayList<>();
        for (int i = 0; i < PER_GROUP; i++) {
            sent.add(CoreReconstructionJobTest.measure("cam-a-" + (i % 3), i, OperatorKind.GAUSSIAN, 7, 200,
                    images.images()[2 * i], images.labels()[2 * i]));
            sent.add(CoreReconstructionJobTest.measure("cam-b-" + (i % 3), i, OperatorKind.SUBSAMPLED_DCT, 11, 300,
                    images.images()[2 * i + 1], images.labels()[2 * i + 1]));
        }

        JobConfig c = JobConfig.builder()
                .bootstrapServers(KAFKA.bootstrapServers())
                .topics(Topics.defaults().withPrefix("train."))
                .groupId("train")
                .transactionalIdPrefix("train")
                .parallelism(PARALLELISM)
                .bucketsPerInstance(1)
                .maxBatchSize(8)
                .maxBatchWait(Duration.ofMillis(100))
                .checkpointInterval(Duration.ofMillis(500))
                .checkpointDir(checkpoints.toUri().toString())
                .transactionTimeout(Duration.ofSeconds(60))
                .restartAttempts(0)
                .expectedN(N).maxM(N).maxN(N)
                .training(training())
                .build();
        // the models topic must take whole priors (~5 MB), over the broker's 1 MB default
        KAFKA.createTopics(List.of(
                new NewTopic(c.topics().measurements(), 2, (short) 1),
                new NewTopic(c.topics().reconstructions(), 2, (short) 1),
                new NewTopic(c.topics().deadLetters(), 2, (short) 1),
                new NewTopic(c.topics().models(), 1, (short) 1).configs(Map.of(
                        TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                        TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(c.training().maxModelBytes())))));
        AvroWire<Measurement> wire = AvroWire.measurements();
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> p = KafkaTestClients.producer(KAFKA.bootstrapServers())) {
            for (Measurement m : sent) {
                acks.add(p.send(new ProducerRecord<>(c.topics().measurements(),
                        m.getSensorId().getBytes(StandardCharsets.UTF_8), wire.encode(m))));
            }
        }
        for (Future<RecordMetadata> f : acks) {
            f.get(10, TimeUnit.SECONDS);
        }

        // a newer version is already on the models topic: reconstructors and trainer must both start from it,
        // so the trainer's first publication continues the version sequence instead of repeating it
        VaePrior prior = Priors.loadDefault().withVersion(5, Map.of("source", "test"));
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, c.training().maxModelBytes()),
                new org.apache.kafka.common.serialization.ByteArraySerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            p.send(new ProducerRecord<>(c.topics().models(), TrainerTopology.MODEL_KEY.getBytes(StandardCharsets.UTF_8),
                    AvroWire.modelSnapshots().encode(prior.toSnapshot(System.currentTimeMillis())))).get(30, TimeUnit.SECONDS);
        }
        long t0 = System.nanoTime();
        JobClient job = new ReconstructionJob(c, new CoreReconstructionServiceFactory("csgm", cheaperCsgm(),
                Priors.DEFAULT.toString())).executeAsync(StreamExecutionEnvironment.getExecutionEnvironment());
        List<ConsumerRecord<byte[], byte[]>> records;
        List<ModelSnapshot> models = new ArrayList<>();
        AvroWire<ModelSnapshot> modelWire = AvroWire.modelSnapshots();
        try {
            try (KafkaConsumer<byte[], byte[]> cons = KafkaTestClients.readCommitted(KAFKA.bootstrapServers(),
                    c.topics().reconstructions())) {
                records = KafkaTestClients.pollAtLeast(cons, sent.size(), WAIT);
                KafkaTestClients.drainFor(cons, Duration.ofSeconds(2), records);
            }
            try (KafkaConsumer<byte[], byte[]> cons = KafkaTestClients.readCommitted(KAFKA.bootstrapServers(),
                    c.topics().models())) {
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (System.nanoTime() < deadline
                        && models.stream().noneMatch(s -> s.getVersion() == prior.version() + 1)) {
                    for (ConsumerRecord<byte[], byte[]> r : cons.poll(Duration.ofMillis(200))) {
                        assertEquals(TrainerTopology.MODEL_KEY, new String(r.key(), StandardCharsets.UTF_8));
                        models.add(modelWire.decode(r.value()));
                    }
                }
            }
        } finally {
            ReconstructionJobTest.cancelAndAwait(job);
        }
        System.out.printf("training job: %d reconstructions, %d model versions %s in %d ms%n", records.size(),
                models.size(), models.stream().map(ModelSnapshot::getVersion).toList(),
                (System.nanoTime() - t0) / 1_000_000);

        AvroWire<Reconstruction> out = AvroWire.reconstructions();
        Set<String> ids = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            Reconstruction rec = out.decode(r.value());
            assertEquals("csgm", rec.getMethod());
            assertTrue(rec.getModelVersion() >= prior.version(),
                    () -> "reconstructors start from the topic's newest version, got v" + rec.getModelVersion());
            assertTrue(ids.add(rec.getSensorId() + "#" + rec.getSequence()),
                    () -> "duplicate output for " + rec.getSensorId() + "#" + rec.getSequence());
        }
        assertEquals(sent.size(), ids.size(), "every (sensor, sequence) exactly once");

        assertEquals(5, prior.version(), "the version published before the start");
        ModelSnapshot v2 = models.stream().filter(s -> s.getVersion() == prior.version() + 1).findFirst()
                .orElseThrow(() -> new AssertionError("no model v" + (prior.version() + 1) + " on "
                        + c.topics().models() + "; got versions " + models.stream().map(ModelSnapshot::getVersion)
                        .toList()));
        assertEquals(Long.toString(prior.version()), v2.getMetadata().get("trainer.parent").toString());
        assertEquals("nash-mtl", v2.getMetadata().get("trainer.weighting").toString());
        assertEquals(N, v2.getOutputDim());
        for (LayerWeights l : v2.getLayers()) {
            assertEquals(l.getRows() * l.getCols(), l.getValues().size(), l.getName().toString());
            for (Float v : l.getValues()) {
                assertTrue(Float.isFinite(v), () -> "non-finite weight in " + l.getName());
            }
        }
        VaePrior adapted = VaePrior.fromSnapshot(v2);
        assertEquals(prior.version() + 1, adapted.version());
        long last = 0;
        for (ModelSnapshot s : models) {
            assertTrue(s.getVersion() > last, "versions strictly increase: " + models.stream()
                    .map(ModelSnapshot::getVersion).toList());
            last = s.getVersion();
        }
    }
}
