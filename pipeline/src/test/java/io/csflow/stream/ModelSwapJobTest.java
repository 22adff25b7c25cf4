package io.csflow.stream;

import io.csflow.avro.Measurement;
import io.csflow.avro.ModelSnapshot;
import io.csflow.avro.Reconstruction;
import io.csflow.core.operator.OperatorCache;
import io.csflow.core.operator.OperatorKind;
import io.csflow.core.prior.Priors;
import io.csflow.core.prior.VaePrior;
import io.csflow.core.solver.Estimate;
import io.csflow.core.solver.Observation;
import io.csflow.core.solver.Reconstructor;
import io.csflow.core.solver.SolverCatalog;
import io.csflow.core.solver.EarlyStop;
import io.csflow.core.solver.SolverOptions;
import io.csflow.core.solver.WarmStart;
import io.csflow.data.FashionMnist;
import io.csflow.stream.kafka.EmbeddedKafkaBroker;
import io.csflow.stream.kafka.KafkaTestClients;
import io.csflow.stream.wire.AvroWire;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Model hot swap end to end: the job with the real core (shipped prior, cheap CSGM) on a real broker, and new
 * ModelSnapshots published to the models topic while it runs.
 */
class ModelSwapJobTest {

    private static final int PARALLELISM = 2;
    private static final int N = FashionMnist.PIXELS;
    private static final List<String> SENSORS = List.of("cam-0", "cam-1", "cam-2", "cam-3");
    private static final int WAVE = 2; // records per sensor per wave
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String MODEL_KEY = "fmnist-vae";

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(PARALLELISM).build());

    private static EmbeddedKafkaBroker broker;
    private static VaePrior shipped;
    private static FashionMnist.Dataset images;

    /** Set by the restart test once version 2 is committed; the next batch then fails, and the task with it. */
    static final AtomicBoolean FAIL_NEXT_BATCH = new AtomicBoolean();
    static final AtomicInteger FAILURES = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedKafkaBroker.start();
        shipped = Priors.loadDefault();
        images = FashionMnist.load(FashionMnist.Split.TEST).subset(0, 64);
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    /** One restart of 100 iterations: the images are not checked here, only which model made them. */
    static SolverOptions cheapest() {
        // random starts without early stopping: the budget these tests were tuned with
        return SolverOptions.defaults().withLatent(1, 100, WarmStart.random(), EarlyStop.OFF);
    }

    private static JobConfig config(String name) {
        JobConfig c = JobConfig.builder()
                .bootstrapServers(broker.bootstrapServers())
                .topics(Topics.defaults().withPrefix(name + "."))
                .groupId(name)
                .transactionalIdPrefix(name)
                .parallelism(PARALLELISM)
                .bucketsPerInstance(2)
                .maxBatchSize(8)
                .maxBatchWait(Duration.ofMillis(100))
                .checkpointInterval(Duration.ofMillis(500))
                .transactionTimeout(Duration.ofSeconds(60))
                .restartAttempts(3)
                .restartDelay(Duration.ofMillis(200))
                .expectedN(N).maxM(N).maxN(N)
                .build();
        broker.createTopics(c.topics(), 2);
        return c;
    }

    private static Measurement frame(String sensor, long sequence) {
        int i = (int) ((SENSORS.indexOf(sensor) * 16 + sequence) % images.images().length);
        return CoreReconstructionJobTest.measure(sensor, sequence, OperatorKind.GAUSSIAN, 7, 100,
                images.images()[i], images.labels()[i]);
    }

    private static void send(String topic, List<byte[]> values, List<String> keys) throws Exception {
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> p = KafkaTestClients.producer(broker.bootstrapServers())) {
            for (int i = 0; i < values.size(); i++) {
                acks.add(p.send(new ProducerRecord<>(topic, keys.get(i).getBytes(StandardCharsets.UTF_8),
                        values.get(i))));
            }
        }
        for (Future<RecordMetadata> f : acks) {
            f.get(10, TimeUnit.SECONDS);
        }
    }

    /** Sends sequences [from, to) of the given sensors; returns what was sent. */
    private static List<Measurement> sendFrames(JobConfig c, List<String> sensors, long from, long to)
            throws Exception {
        List<Measurement> sent = new ArrayList<>();
        List<byte[]> values = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        AvroWire<Measurement> wire = AvroWire.measurements();
        for (long s = from; s < to; s++) {
            for (String sensor : sensors) {
                Measurement m = frame(sensor, s);
                sent.add(m);
                values.add(wire.encode(m));
                keys.add(sensor);
            }
        }
        send(c.topics().measurements(), values, keys);
        return sent;
    }

    /** Publishes snapshots in order, each acknowledged before the next (they are ~5 MB each). */
    private static void publish(JobConfig c, ModelSnapshot... snapshots) throws Exception {
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, EmbeddedKafkaBroker.MAX_MODEL_BYTES,
                ProducerConfig.BUFFER_MEMORY_CONFIG, 2L * EmbeddedKafkaBroker.MAX_MODEL_BYTES,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (ModelSnapshot s : snapshots) {
                p.send(new ProducerRecord<>(c.topics().models(), MODEL_KEY.getBytes(StandardCharsets.UTF_8),
                        AvroWire.modelSnapshots().encode(s))).get(60, TimeUnit.SECONDS);
            }
        }
    }

    private static ModelSnapshot version2() {
        return shipped.withVersion(2, Map.of("note", "hot swap test")).toSnapshot(System.currentTimeMillis());
    }

    private static ModelSnapshot poisonedVersion3() {
        return ModelUpdatesTest.poisoned(shipped, 3, Float.NaN);
    }

    /** Committed reconstructions, collected as they arrive; fails on a duplicate (sensor, sequence). */
    private static final class Output implements AutoCloseable {
        final KafkaConsumer<byte[], byte[]> consumer;
        final Map<String, Reconstruction> byId = new TreeMap<>();
        final AvroWire<Reconstruction> wire = AvroWire.reconstructions();

        Output(JobConfig c) {
            consumer = KafkaTestClients.readCommitted(broker.bootstrapServers(), c.topics().reconstructions());
        }

        void poll(Duration d) throws Exception {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(d)) {
                Reconstruction rec = wire.decode(r.value());
                assertEquals(rec.getSensorId(), new String(r.key(), StandardCharsets.UTF_8), "key = sensor id");
                String id = rec.getSensorId() + "#" + rec.getSequence();
                assertNull(byId.put(id, rec), () -> "duplicate output for " + id);
            }
        }

        void awaitCount(int n) throws Exception {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (byId.size() < n) {
                assertTrue(System.nanoTime() < deadline, "only " + byId.size() + " of " + n + " outputs within "
                        + WAIT);
                poll(Duration.ofMillis(200));
            }
        }

        /** Quiet period: nothing more (no duplicates) may arrive. */
        void drain(Duration quiet) throws Exception {
            long end = System.nanoTime() + quiet.toNanos();
            while (System.nanoTime() < end) {
                poll(Duration.ofMillis(200));
            }
        }

        Reconstruction get(Measurement m) {
            return byId.get(m.getSensorId() + "#" + m.getSequence());
        }

        /**
         * Sends one more frame per sensor until every sensor has had an output from {@code version}: from then on
         * every subtask that serves these sensors has switched. Returns the next free sequence.
         */
        long probeUntilVersion(JobConfig c, long version, long nextSequence, List<Measurement> sent)
                throws Exception {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (true) {
                List<String> behind = new ArrayList<>();
                for (String s : SENSORS) {
                    boolean seen = byId.values().stream().anyMatch(r -> r.getSensorId().equals(s)
                            && r.getModelVersion() == version);
                    if (!seen) {
                        behind.add(s);
                    }
                }
                if (behind.isEmpty()) {
                    return nextSequence;
                }
                assertTrue(System.nanoTime() < deadline, "sensors " + behind + " never saw model version "
                        + version);
                sent.addAll(sendFrames(c, SENSORS, nextSequence, nextSequence + 1));
                nextSequence++;
                awaitCount(sent.size());
            }
        }

        @Override
        public void close() {
            consumer.close();
        }
    }

    private static JobClient startJob(JobConfig c, ReconstructionServiceFactory f) throws Exception {
        return new ReconstructionJob(c, f).executeAsync(StreamExecutionEnvironment.getExecutionEnvironment());
    }

    /** Exactly once, never version 3, and per sensor non-decreasing versions in sequence order. */
    private static void assertCommon(List<Measurement> sent, Output out) {
        assertEquals(sent.size(), out.byId.size(), "every (sensor, sequence) exactly once");
        Map<String, Long> lastVersion = new HashMap<>();
        List<Measurement> ordered = new ArrayList<>(sent);
        ordered.sort((a, b) -> Long.compare(a.getSequence(), b.getSequence()));
        for (Measurement m : ordered) {
            Reconstruction r = out.get(m);
            assertNotNull(r, () -> "missing " + m.getSensorId() + "#" + m.getSequence());
            assertEquals("csgm", r.getMethod());
            assertEquals(N, r.getImage().size());
            assertNotEquals(3L, r.getModelVersion(), "the poisoned version 3 must never be used");
            long previous = lastVersion.getOrDefault(m.getSensorId(), Long.MIN_VALUE);
            assertTrue(r.getModelVersion() >= previous, () -> m.getSensorId() + "#" + m.getSequence()
                    + ": version " + r.getModelVersion() + " after " + previous);
            lastVersion.put(m.getSensorId(), r.getModelVersion());
        }
    }

    private static String versions(List<Measurement> sent, Output out) {
        StringBuilder b = new StringBuilder();
        for (Measurement m : sent) {
            Reconstruction r = out.get(m);
            b.append(' ').append(m.getSensorId()).append('#').append(m.getSequence()).append("=v")
                    .append(r == null ? "?" : r.getModelVersion());
        }
        return b.toString();
    }

    @Test
    void switchesToANewerModelWithoutARestartAndRejectsAPoisonedOne() throws Exception {
        assertEquals(1L, shipped.version(), "the shipped prior is version 1");
        JobConfig c = config("swap");
        List<Measurement> sent = new ArrayList<>();
        JobClient job = startJob(c, new CoreReconstructionServiceFactory("csgm", cheapest(),
                Priors.DEFAULT.toString()));
        try (Output out = new Output(c)) {
            List<Measurement> wave1 = sendFrames(c, SENSORS, 0, WAVE);
            sent.addAll(wave1);
            out.awaitCount(sent.size());
            for (Measurement m : wave1) {
                assertEquals(1L, out.get(m).getModelVersion(), "before the publish: the shipped prior");
            }

            publish(c, version2(), poisonedVersion3());
            long next = out.probeUntilVersion(c, 2L, WAVE, sent);
            List<Measurement> wave2 = sendFrames(c, SENSORS, next, next + WAVE);
            sent.addAll(wave2);
            out.awaitCount(sent.size());
            out.drain(Duration.ofSeconds(2));
            System.out.println("model swap versions:" + versions(sent, out));

            assertCommon(sent, out);
            for (Measurement m : wave2) {
                assertEquals(2L, out.get(m).getModelVersion(), "after the switch: version 2");
            }
        } finally {
            ReconstructionJobTest.cancelAndAwait(job);
        }
    }

    @Test
    void aJobStartedAfterAPublishUsesTheNewestValidModelFromTheFirstRecord() throws Exception {
        JobConfig c = config("resume");
        publish(c, version2(), poisonedVersion3());
        List<Measurement> sent = new ArrayList<>(sendFrames(c, SENSORS, 0, WAVE));
        JobClient job = startJob(c, new CoreReconstructionServiceFactory("csgm", cheapest(),
                Priors.DEFAULT.toString()));
        try (Output out = new Output(c)) {
            out.awaitCount(sent.size());
            out.drain(Duration.ofSeconds(1));
            assertCommon(sent, out);
            for (Measurement m : sent) {
                assertEquals(2L, out.get(m).getModelVersion(), () -> "from the first record:" + versions(sent, out));
            }
        } finally {
            ReconstructionJobTest.cancelAndAwait(job);
        }
    }

    @Test
    void theStartupReadOfTheModelsTopicFindsTheNewestValidSnapshotAndToleratesAMissingTopic() throws Exception {
        JobConfig c = config("startup-read");
        ModelUpdates updates = new ModelUpdates(N);
        List<String> skipped = new ArrayList<>();
        assertNull(updates.newestOnTopic(broker.bootstrapServers(), c.topics().models(), Map.of(), 1L,
                Duration.ofSeconds(30), (o, r) -> skipped.add(r)), "empty topic");
        publish(c, version2(), poisonedVersion3(), shipped.toSnapshot(0L));
        VaePrior newest = updates.newestOnTopic(broker.bootstrapServers(), c.topics().models(), Map.of(), 1L,
                Duration.ofSeconds(30), (o, r) -> skipped.add(o + ": " + r));
        assertEquals(2L, newest.version());
        assertEquals(2, skipped.size(), skipped::toString);
        long t0 = System.nanoTime();
        assertNull(updates.newestOnTopic(broker.bootstrapServers(), "no-such-models-topic", Map.of(), 1L,
                Duration.ofSeconds(30), (o, r) -> skipped.add(r)));
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(15), "a missing topic must not stall a start");
    }

    /** CSGM around the given prior that throws once when armed (the MiniCluster runs in this JVM). */
    static final class FailingOnceFactory implements ReconstructionServiceFactory {
        private static final long serialVersionUID = 1L;

        @Override
        public BatchReconstructionService create() {
            return create(Priors.loadDefault());
        }

        @Override
        public BatchReconstructionService create(VaePrior prior) {
            Reconstructor csgm = SolverCatalog.create("csgm", prior, cheapest());
            Reconstructor failing = new Reconstructor() {
                /** Once failed, this instance fails every call (so PoisonIsolation's retries cannot absorb it and
                 * the task restarts); the restarted task builds a new one. */
                private boolean broken;

                @Override
                public String method() {
                    return csgm.method();
                }

                @Override
                public List<Estimate> reconstruct(List<Observation> batch) {
                    if (broken || FAIL_NEXT_BATCH.compareAndSet(true, false)) {
                        if (!broken) {
                            FAILURES.incrementAndGet();
                        }
                        broken = true;
                        throw new IllegalStateException("injected failure after version 2 was committed");
                    }
                    return csgm.reconstruct(batch);
                }
            };
            long version = prior.version();
            return new BatchReconstructionService(OperatorCache.shared()::get, failing, () -> version,
                    System::currentTimeMillis);
        }

        @Override
        public boolean swapsPriors() {
            return true;
        }
    }

    @Test
    void aRestartAfterTheSwitchDoesNotGoBackToAnOlderModel() throws Exception {
        JobConfig c = config("swap-restart");
        FAILURES.set(0);
        FAIL_NEXT_BATCH.set(false);
        List<Measurement> sent = new ArrayList<>();
        JobClient job = startJob(c, new FailingOnceFactory());
        try (Output out = new Output(c)) {
            sent.addAll(sendFrames(c, SENSORS, 0, WAVE));
            out.awaitCount(sent.size());
            publish(c, version2(), poisonedVersion3());
            long next = out.probeUntilVersion(c, 2L, WAVE, sent);
            // version 2 output is committed, so a checkpoint after the switch has completed
            FAIL_NEXT_BATCH.set(true);
            List<Measurement> wave2 = sendFrames(c, SENSORS, next, next + WAVE);
            sent.addAll(wave2);
            out.awaitCount(sent.size());
            out.drain(Duration.ofSeconds(2));
            System.out.println("model swap + restart versions:" + versions(sent, out));
            assertEquals(1, FAILURES.get(), "the injected failure must have happened once");
            assertCommon(sent, out);
            for (Measurement m : wave2) {
                assertEquals(2L, out.get(m).getModelVersion(), "after the restart: still version 2");
            }
        } finally {
            ReconstructionJobTest.cancelAndAwait(job);
        }
    }
}
