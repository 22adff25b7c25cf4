package io.csflow.stream;

import io.csflow.avro.DeadLetter;
import io.csflow.avro.Measurement;
import io.csflow.avro.Reconstruction;
import io.csflow.stream.kafka.BrokerExtension;
import io.csflow.stream.kafka.KafkaTestClients;
import io.csflow.stream.wire.AvroWire;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.clients.admin.NewTopic;
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

import static org.junit.jupiter.api.Assertions.*;

/** The whole job on a Flink MiniCluster against a real in-process Kafka broker. */
class ReconstructionJobTest {

    private static final int PARALLELISM = 2;
    private static final Duration WAIT = Duration.ofSeconds(90);

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(PARALLELISM).build());

    @RegisterExtension
    static final BrokerExtension KAFKA = new BrokerExtension();
    private final AvroWire<Measurement> measurements = AvroWire.measurements();
    private final AvroWire<Reconstruction> reconstructions = AvroWire.reconstructions();


    private static JobConfig config(String name) {
        return JobConfig.builder()
                .bootstrapServers(KAFKA.bootstrapServers())
                .topics(Topics.defaults().withPrefix(name + "."))
                .groupId(name)
                .transactionalIdPrefix(name)
                .parallelism(PARALLELISM)
                .bucketsPerInstance(2)
                .maxBatchSize(16)
                .maxBatchWait(Duration.ofMillis(100))
                .checkpointInterval(Duration.ofMillis(500))
                .transactionTimeout(Duration.ofSeconds(60))
                .restartAttempts(3)
                .restartDelay(Duration.ofMillis(200))
                .expectedN(TestData.N).maxM(BadRecords.MAX_M).maxN(BadRecords.MAX_N)
                .build();
    }

    private static Topics topics(JobConfig c) {
        KAFKA.createTopics(c.topics(), 2);
        return c.topics();
    }

    private static JobClient start(JobConfig c, ReconstructionServiceFactory factory) throws Exception {
        return new ReconstructionJob(c, factory).executeAsync(StreamExecutionEnvironment.getExecutionEnvironment());
    }

    /** Cancels and waits until the job really ended, so its tasks and producers don't overlap the next test. */
    static void cancelAndAwait(JobClient job) throws Exception {
        job.cancel().get(30, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!job.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState()) {
            assertTrue(System.nanoTime() < deadline, "job did not terminate within 30 s of cancel");
            Thread.sleep(50);
        }
    }

    /** Two sensors with different operators; sensor b's frames use m=12, a's m=8. */
    private static Measurement good(int i) {
        return i % 2 == 0 ? TestData.measurement("sensor-a", i / 2)
                : TestData.measurement("sensor-b", i / 2, "INPAINT", 12, TestData.N);
    }

    private List<RecordMetadata> produce(String topic, List<byte[]> values, List<String> keys) throws Exception {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> p = KafkaTestClients.producer(KAFKA.bootstrapServers())) {
            for (int i = 0; i < values.size(); i++) {
                sent.add(p.send(new ProducerRecord<>(topic, keys.get(i).getBytes(StandardCharsets.UTF_8),
                        values.get(i))));
            }
        }
        List<RecordMetadata> meta = new ArrayList<>();
        for (Future<RecordMetadata> f : sent) {
            meta.add(f.get(10, TimeUnit.SECONDS));
        }
        return meta;
    }

    private void produceGood(String topic, int from, int to) throws Exception {
        List<byte[]> values = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (int i = from; i < to; i++) {
            values.add(measurements.encode(good(i)));
            keys.add(good(i).getSensorId());
        }
        produce(topic, values, keys);
    }

    /** Reads the committed output until {@code expected} records, then a quiet period to catch duplicates. */
    private Map<String, Reconstruction> readExactlyOnce(String topic, int expected) throws Exception {
        List<ConsumerRecord<byte[], byte[]>> records;
        try (KafkaConsumer<byte[], byte[]> c = KafkaTestClients.readCommitted(KAFKA.bootstrapServers(), topic)) {
            records = KafkaTestClients.pollAtLeast(c, expected, WAIT);
            KafkaTestClients.drainFor(c, Duration.ofSeconds(2), records);
        }
        Map<String, Reconstruction> byId = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            Reconstruction rec = reconstructions.decode(r.value());
            assertEquals(rec.getSensorId(), new String(r.key(), StandardCharsets.UTF_8), "key = sensor id");
            Reconstruction dup = byId.put(rec.getSensorId() + "#" + rec.getSequence(), rec);
            assertNull(dup, () -> "duplicate output for " + rec.getSensorId() + "#" + rec.getSequence());
        }
        assertEquals(expected, byId.size(), "every (sensor, sequence) exactly once");
        return byId;
    }

    private static void assertSensible(Measurement m, Reconstruction r) {
        for (int p = 0; p < TestData.N; p++) {
            assertEquals(TestData.expectedPixel(m, p), r.getImage().get(p), 1e-6f);
        }
        assertEquals(m.getEventTimeMillis(), r.getEventTimeMillis());
        assertEquals(m.getLabel(), r.getLabel());
        assertEquals(TestServices.MODEL_VERSION, r.getModelVersion());
        assertEquals("adjoint", r.getMethod());
        assertEquals(BatchReconstructionServiceTest.expectedMse(m), r.getMse(), 1e-6f);
    }

    @Test
    void reconstructsEveryMeasurementExactlyOnce() throws Exception {
        JobConfig c = config("happy");
        Topics t = topics(c);
        int total = 300;
        produceGood(t.measurements(), 0, total);
        long t0 = System.nanoTime();
        JobClient job = start(c, TestServices.adjoint());
        try {
            Map<String, Reconstruction> out = readExactlyOnce(t.reconstructions(), total);
            System.out.printf("happy path: %d reconstructions committed in %d ms%n", total,
                    (System.nanoTime() - t0) / 1_000_000);
            for (int i = 0; i < total; i++) {
                Measurement m = good(i);
                assertSensible(m, out.get(m.getSensorId() + "#" + m.getSequence()));
            }
        } finally {
            cancelAndAwait(job);
        }
    }

    @Test
    void runsWithoutAModelsTopic() throws Exception {
        JobConfig c = config("nomodels");
        KAFKA.createTopics(List.of(new NewTopic(c.topics().measurements(), 2, (short) 1),
                new NewTopic(c.topics().reconstructions(), 2, (short) 1),
                new NewTopic(c.topics().deadLetters(), 2, (short) 1)));
        produceGood(c.topics().measurements(), 0, 20);
        JobClient job = start(c, TestServices.adjoint());
        try {
            Map<String, Reconstruction> out = readExactlyOnce(c.topics().reconstructions(), 20);
            for (int i = 0; i < 20; i++) {
                assertSensible(good(i), out.get(good(i).getSensorId() + "#" + good(i).getSequence()));
            }
        } finally {
            cancelAndAwait(job);
        }
    }

    @Test
    void sendsEachBadRecordToTheDeadLettersWithItsReason() throws Exception {
        JobConfig c = config("bad");
        Topics t = topics(c);
        List<BadRecords.BadCase> bad = BadRecords.all("sensor-x", 1000);
        List<byte[]> values = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        List<BadRecords.BadCase> sentAs = new ArrayList<>();
        int goods = 0;
        for (BadRecords.BadCase b : bad) { // good, bad, good, bad, ...
            Measurement g = good(goods++);
            values.add(measurements.encode(g));
            keys.add(g.getSensorId());
            sentAs.add(null);
            values.add(b.value());
            keys.add("sensor-x");
            sentAs.add(b);
        }
        // passes validation but the solver throws on it; after sensor-a's other frames, so the reconstruct
        // instance has reconstructed a record before it and can tell it from a broken solver
        Measurement poison = TestServices.poison("sensor-a", 999);
        values.add(measurements.encode(poison));
        keys.add("sensor-a");
        sentAs.add(null);
        List<RecordMetadata> meta = produce(t.measurements(), values, keys);
        Map<String, BadRecords.BadCase> badByCoordinates = new HashMap<>();
        for (int i = 0; i < meta.size(); i++) {
            if (sentAs.get(i) != null) {
                badByCoordinates.put(meta.get(i).partition() + "@" + meta.get(i).offset(), sentAs.get(i));
            }
        }

        JobClient job = start(c, TestServices.adjointPoisoned());
        try {
            Map<String, Reconstruction> out = readExactlyOnce(t.reconstructions(), goods);
            for (int i = 0; i < goods; i++) {
                assertSensible(good(i), out.get(good(i).getSensorId() + "#" + good(i).getSequence()));
            }
            List<ConsumerRecord<byte[], byte[]>> dead;
            try (KafkaConsumer<byte[], byte[]> cons = KafkaTestClients.readCommitted(KAFKA.bootstrapServers(),
                    t.deadLetters())) {
                dead = KafkaTestClients.pollAtLeast(cons, bad.size() + 1, WAIT);
                KafkaTestClients.drainFor(cons, Duration.ofSeconds(1), dead);
            }
            assertEquals(bad.size() + 1, dead.size());
            AvroWire<DeadLetter> dl = AvroWire.deadLetters();
            int poisoned = 0;
            for (ConsumerRecord<byte[], byte[]> r : dead) {
                DeadLetter d = dl.decode(r.value());
                if (d.getSourcePartition() == -1) { // from the reconstruct operator: re-encoded, no coordinates
                    poisoned++;
                    assertTrue(d.getReason().startsWith("RECONSTRUCTION_FAILED: reconstruction of sensor 'sensor-a'"
                            + " sequence 999"), d.getReason());
                    byte[] raw = new byte[d.getRaw().remaining()];
                    d.getRaw().duplicate().get(raw);
                    assertEquals(poison, measurements.decode(raw));
                    assertEquals("sensor-a", new String(r.key(), StandardCharsets.UTF_8));
                    assertEquals(t.measurements(), d.getSourceTopic());
                    continue;
                }
                BadRecords.BadCase expected = badByCoordinates.remove(d.getSourcePartition() + "@"
                        + d.getSourceOffset());
                assertNotNull(expected, () -> "unexpected or duplicate dead letter " + d);
                assertEquals(t.measurements(), d.getSourceTopic());
                assertTrue(d.getReason().startsWith(expected.cause().name() + ": "), d.getReason());
                assertTrue(d.getReason().contains(expected.reasonFragment()), d.getReason());
                byte[] raw = new byte[d.getRaw().remaining()];
                d.getRaw().duplicate().get(raw);
                assertArrayEquals(expected.value(), raw, "dead letter keeps the exact bytes");
                assertEquals("sensor-x", new String(r.key(), StandardCharsets.UTF_8), "keyed by the original key");
            }
            assertTrue(badByCoordinates.isEmpty(), () -> "missing dead letters: " + badByCoordinates.values());
            assertEquals(1, poisoned, "the poison record's dead letter, once");
        } finally {
            cancelAndAwait(job);
        }
    }

    @Test
    void recoversFromAFailureAfterACheckpointWithoutDuplicates() throws Exception {
        JobConfig c = config("failover");
        Topics t = topics(c);
        TestServices.FAILURES.set(0);
        TestServices.FAIL_NEXT_BATCH.set(false);
        produceGood(t.measurements(), 0, 100);
        JobClient job = start(c, TestServices.adjointFailingOnceWhenArmed());
        try {
            // committed output can only exist after a completed checkpoint
            try (KafkaConsumer<byte[], byte[]> cons = KafkaTestClients.readCommitted(KAFKA.bootstrapServers(),
                    t.reconstructions())) {
                assertFalse(KafkaTestClients.pollAtLeast(cons, 1, WAIT).isEmpty(), "no committed output");
            }
            TestServices.FAIL_NEXT_BATCH.set(true);
            produceGood(t.measurements(), 100, 200);
            Map<String, Reconstruction> out = readExactlyOnce(t.reconstructions(), 200);
            assertEquals(1, TestServices.FAILURES.get(), "the injected failure must have happened once");
            for (int i = 0; i < 200; i++) {
                assertSensible(good(i), out.get(good(i).getSensorId() + "#" + good(i).getSequence()));
            }
        } finally {
            cancelAndAwait(job);
        }
    }
}
