package io.csflow.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.csflow.avro.Measurement;
import io.csflow.avro.Reconstruction;
import io.csflow.core.operator.Batches;
import io.csflow.core.operator.MeasurementOperators;
import io.csflow.core.operator.OperatorSpec;
import io.csflow.data.FashionMnist.Dataset;
import io.csflow.stream.kafka.BrokerExtension;
import io.csflow.stream.kafka.KafkaTestClients;
import io.csflow.stream.wire.AvroWire;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The simulator and the reconstruction consumer against a real (embedded) Kafka broker. */
class ToolsKafkaTest {

    @RegisterExtension
    static final BrokerExtension KAFKA = new BrokerExtension();

    @TempDir
    Path tmp;


    /** Small random 28x28 "images" so the test needs no data set and runs fast. */
    static Dataset images(int count) {
        Random r = new Random(3);
        float[][] img = new float[count][784];
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            for (int j = 0; j < 784; j++) {
                img[i][j] = r.nextFloat();
            }
            labels[i] = i % 10;
        }
        return new Dataset(img, labels, 28, 28);
    }

    static void createTopic(String name, int partitions) {
        KAFKA.createTopics(List.of(new NewTopic(name, partitions, (short) 1)));
    }

    @Test
    void simulatorSendsMeasurementsOfTwoProfiles() throws Exception {
        String topic = "t.sim.measurements";
        createTopic(topic, 2);
        Dataset data = images(20);
        ProfileSpec exact = ProfileSpec.parse("cam-g:GAUSSIAN:50:0:sensors=2:seed=7:truthEvery=2");
        ProfileSpec noisy = ProfileSpec.parse("cam-d:SUBSAMPLED_DCT:300:0.1:truthEvery=1");
        int count = 7; // not a multiple of the batch size: spans two batches
        SensorSimulator.Stats stats;
        try (SensorSimulator sim = SensorSimulator.builder().bootstrapServers(KAFKA.bootstrapServers())
                .topic(topic).profile(exact).profile(noisy).images(data).startImage(15).batchSize(4).seed(1)
                .build()) {
            assertEquals(List.of("cam-g-0", "cam-g-1", "cam-d"), sim.sensorIds());
            stats = sim.run(count);
        }
        assertEquals(Map.of("cam-g-0", 7L, "cam-g-1", 7L, "cam-d", 7L), stats.sentPerSensor());
        assertEquals(21, stats.total());
        assertEquals(4 + 4 + 7, stats.withTruth());
        assertTrue(stats.format().contains("cam-g-1"), stats.format());

        AvroWire<Measurement> wire = AvroWire.measurements();
        List<ConsumerRecord<byte[], byte[]>> raw;
        try (KafkaConsumer<byte[], byte[]> c = KafkaTestClients.readCommitted(KAFKA.bootstrapServers(), topic)) {
            raw = KafkaTestClients.pollAtLeast(c, 21, Duration.ofSeconds(20));
            KafkaTestClients.drainFor(c, Duration.ofMillis(500), raw);
        }
        assertEquals(21, raw.size());
        Map<String, List<Measurement>> bySensor = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> rec : raw) {
            Measurement m = wire.decode(rec.value());
            assertEquals(m.getSensorId(), new String(rec.key(), StandardCharsets.UTF_8));
            bySensor.computeIfAbsent(m.getSensorId(), k -> new ArrayList<>()).add(m);
        }
        assertEquals(3, bySensor.size());
        // one key -> one partition, so per-sensor order is the send order
        bySensor.forEach((id, list) -> {
            for (int i = 0; i < list.size(); i++) {
                assertEquals(i, list.get(i).getSequence(), id);
            }
        });
        Measurement g1 = bySensor.get("cam-g-1").get(2);
        assertEquals("GAUSSIAN", g1.getOperator().getKind());
        assertEquals(8, g1.getOperator().getSeed()); // seed + index
        assertEquals(50, g1.getOperator().getM());
        assertEquals(784, g1.getOperator().getN());
        assertEquals(7, bySensor.get("cam-g-0").get(0).getOperator().getSeed());
        assertNull(bySensor.get("cam-g-0").get(1).getTruth()); // truthEvery=2
        assertTrue(g1.getEventTimeMillis() > 0 && g1.getEventTimeMillis() <= System.currentTimeMillis());

        // noise 0: y == A x up to float rounding; frame s is image (15 + s) mod 20
        Measurement g = bySensor.get("cam-g-1").get(6);
        assertNotNull(g.getTruth());
        assertEquals(data.labels()[(15 + 6) % 20], g.getLabel());
        float[] truth = toArray(g.getTruth());
        assertTrue(java.util.Arrays.equals(data.images()[(15 + 6) % 20], truth));
        float[] ax = forward(OperatorSpec.of("GAUSSIAN", 8, 50, 784), truth);
        float[] y = toArray(g.getY());
        for (int i = 0; i < ax.length; i++) {
            assertEquals(ax[i], y[i], 1e-3f * (1 + Math.abs(ax[i])), "y[" + i + "]");
        }

        // noise 0.1: the residual y - A x has about that std
        Measurement d = bySensor.get("cam-d").get(5);
        assertEquals(0.1f, d.getNoiseStd());
        float[] axd = forward(OperatorSpec.of("SUBSAMPLED_DCT", ProfileSpec.defaultSeed("cam-d"), 300, 784),
                toArray(d.getTruth()));
        float[] yd = toArray(d.getY());
        double ss = 0;
        for (int i = 0; i < axd.length; i++) {
            ss += (yd[i] - axd[i]) * (yd[i] - axd[i]);
        }
        double std = Math.sqrt(ss / axd.length);
        assertTrue(std > 0.08 && std < 0.12, "residual std " + std);
    }

    @Test
    void pacedSimulatorKeepsItsRate() throws Exception {
        String topic = "t.sim.paced";
        createTopic(topic, 1);
        try (SensorSimulator sim = SensorSimulator.builder().bootstrapServers(KAFKA.bootstrapServers())
                .topic(topic).profile(ProfileSpec.parse("slow:INPAINT:100:0:rate=20:truthEvery=0"))
                .images(images(5)).build()) {
            SensorSimulator.Stats s = sim.run(10);
            assertEquals(10, s.total());
            assertEquals(0, s.withTruth());
            // frame k is due at k/20 s: 10 frames take >= 0.45 s
            assertTrue(s.seconds() >= 0.44, "took " + s.seconds());
            SensorSimulator.Stats more = sim.run(Duration.ofMillis(300));
            assertTrue(more.total() >= 3 && more.total() <= 8, "sent " + more.total());
        }
    }

    @Test
    void consumerSeesOnlyCommittedReconstructions() throws Exception {
        String topic = "t.recon";
        createTopic(topic, 2);
        AvroWire<Reconstruction> wire = AvroWire.reconstructions();
        long now = System.currentTimeMillis();
        Map<String, Object> cfg = new HashMap<>();
        cfg.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        cfg.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tools-test-tx");
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(cfg, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            p.initTransactions();
            p.beginTransaction();
            send(p, topic, wire, recon("s-1", 0, now - 100, "csgm", 3, 0.01f));
            send(p, topic, wire, recon("s-1", 1, now - 200, "csgm", 3, null));
            send(p, topic, wire, recon("s/2", 0, now - 300, "lasso-dct", 0, 0.03f));
            p.commitTransaction();
            p.beginTransaction();
            send(p, topic, wire, recon("s-1", 99, now, "csgm", 3, 0.5f));
            p.flush();
            p.abortTransaction();
            p.beginTransaction();
            send(p, topic, wire, recon("s-1", 2, now - 400, "csbgm", 4, null));
            send(p, topic, wire, recon("s-1", 0, now - 100, "csgm", 3, 0.01f)); // a duplicate
            p.commitTransaction();
        }
        Path out = tmp.resolve("out");
        List<String> reports = new ArrayList<>();
        ReconstructionConsumer.Summary s;
        try (ReconstructionConsumer c = ReconstructionConsumer.builder().bootstrapServers(KAFKA.bootstrapServers())
                .topic(topic).groupId("tools-test").outDir(out).reports(reports::add, Duration.ofMillis(100))
                .build()) {
            s = c.run(0, Duration.ofSeconds(2));
        }
        assertEquals(ReconstructionConsumer.Summary.StopReason.IDLE, s.stopReason());
        assertEquals(5, s.records(), s.format());
        assertEquals(1, s.duplicates());
        assertEquals(0, s.undecodable());
        assertEquals(Map.of("csgm", 3L, "lasso-dct", 1L, "csbgm", 1L), s.byMethod());
        assertEquals(Map.of(0L, 1L, 3L, 3L, 4L, 1L), s.byModelVersion());
        assertEquals(3, s.mseCount());
        assertEquals((0.01 + 0.03 + 0.01) / 3, s.meanMse(), 1e-6);
        assertEquals(5, s.endToEnd().count());
        assertTrue(s.endToEnd().p50() >= 100 && s.endToEnd().max() < 60_000, s.format());
        assertTrue(s.endToEnd().p99() >= s.endToEnd().p50());
        assertEquals(5, s.processing().count());
        assertEquals(50, s.processing().p50()); // processedAt = eventTime + 50 ms
        assertEquals(5, s.pngsWritten());
        Path png = out.resolve("s-1").resolve("2.png");
        assertTrue(Files.isRegularFile(png));
        var img = ImageIO.read(png.toFile());
        assertEquals(2 * 28 * ReconstructionConsumer.DEFAULT_PNG_SCALE + 1, img.getWidth());
        assertEquals(28 * ReconstructionConsumer.DEFAULT_PNG_SCALE, img.getHeight());
        assertTrue(Files.isRegularFile(out.resolve("s_2").resolve("0.png")));
        assertFalse(Files.exists(out.resolve("s-1").resolve("99.png")), "aborted record must not be read");
        String summary = Files.readString(out.resolve("summary.txt"));
        assertTrue(summary.contains("duplicates:         1"), summary);
        assertFalse(reports.isEmpty());

        // the group's offsets were committed: a second run of the same group sees nothing new
        try (ReconstructionConsumer c = ReconstructionConsumer.builder().bootstrapServers(KAFKA.bootstrapServers())
                .topic(topic).groupId("tools-test").build()) {
            assertEquals(0, c.run(0, Duration.ofSeconds(1)).records());
        }
        // a count stops the run early; every 2nd PNG
        try (ReconstructionConsumer c = ReconstructionConsumer.builder().bootstrapServers(KAFKA.bootstrapServers())
                .topic(topic).freshGroupId().outDir(tmp.resolve("out2")).pngEvery(2).build()) {
            ReconstructionConsumer.Summary s2 = c.run(3, Duration.ofSeconds(20));
            assertEquals(ReconstructionConsumer.Summary.StopReason.COUNT, s2.stopReason());
            assertEquals(3, s2.records());
            assertEquals(2, s2.pngsWritten());
        }
    }

    static void send(KafkaProducer<byte[], byte[]> p, String topic, AvroWire<Reconstruction> wire, Reconstruction r)
            throws Exception {
        p.send(new ProducerRecord<>(topic, r.getSensorId().getBytes(StandardCharsets.UTF_8), wire.encode(r)))
                .get(10, TimeUnit.SECONDS);
    }

    static Reconstruction recon(String sensor, long seq, long eventTime, String method, long version, Float mse) {
        List<Float> image = new ArrayList<>();
        List<Float> unc = new ArrayList<>();
        for (int i = 0; i < 784; i++) {
            image.add((i % 28) / 27f);
            unc.add((i / 28) / 270f);
        }
        return Reconstruction.newBuilder().setSensorId(sensor).setSequence(seq).setEventTimeMillis(eventTime)
                .setImage(image).setUncertainty(unc).setLatent(List.of(0.5f)).setRelativeResidual(0.1f)
                .setMethod(method).setModelVersion(version).setIterations(10).setMse(mse).setLabel(null)
                .setProcessedAtMillis(eventTime + 50).build();
    }

    static float[] forward(OperatorSpec spec, float[] x) {
        var op = MeasurementOperators.create(spec);
        INDArray in = Nd4j.create(x, new long[] {1, x.length}, 'c');
        INDArray out = Nd4j.create(DataType.FLOAT, 1, spec.m());
        op.forward(in, out);
        return Batches.toFloats(out);
    }

    static float[] toArray(List<Float> list) {
        float[] a = new float[list.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = list.get(i);
        }
        return a;
    }
}
