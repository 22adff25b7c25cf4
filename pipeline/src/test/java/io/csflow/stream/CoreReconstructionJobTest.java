package io.csflow.stream;

import io.csflow.avro.Measurement;
import io.csflow.avro.OperatorSpec;
import io.csflow.avro.Reconstruction;
import io.csflow.core.operator.MeasurementOperator;
import io.csflow.core.operator.MeasurementOperators;
import io.csflow.core.operator.OperatorKind;
import io.csflow.core.prior.Priors;
import io.csflow.core.solver.EarlyStop;
import io.csflow.core.solver.SolverOptions;
import io.csflow.core.solver.WarmStart;
import io.csflow.data.FashionMnist;
import io.csflow.stream.kafka.BrokerExtension;
import io.csflow.stream.kafka.KafkaTestClients;
import io.csflow.stream.wire.AvroWire;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.InstantiationUtil;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** The job with the real core (operators, shipped VAE prior, CSGM) on Fashion-MNIST frames, end to end. */
class CoreReconstructionJobTest {

    private static final int PARALLELISM = 2;
    private static final int N = FashionMnist.PIXELS;
    private static final int PER_SENSOR = 16;
    private static final Duration WAIT = Duration.ofSeconds(120);

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(PARALLELISM).build());

    @RegisterExtension
    static final BrokerExtension KAFKA = new BrokerExtension();


    /**
     * Cheap CSGM: three restarts, 400 iterations; the rest as the defaults. Fewer restarts now and then land in a
     * poor local minimum (seen: 1 x 300 gave mse 0.10 instead of 0.034 on test image 1, 2 x 400 gave 0.074
     * instead of 0.011 on test image 12; which record is hit varies from run to run). With 3 x 500 the remaining
     * error is the prior's representation error.
     */
    static SolverOptions cheapCsgm() {
        // random starts without early stopping: the budget these tests were tuned with
        return SolverOptions.defaults().withLatent(3, 400, WarmStart.random(), EarlyStop.OFF);
    }

    /**
     * With this prior a few of these frames sit above 0.03 whatever the budget (test images 1, 6, 17, 23 at
     * 0.031..0.047 with 3 x 500), so: every record under 0.12 (catches garbage, tolerates a rare poor local
     * minimum), at least 3/4 of the records under 0.03 (seen: 28/32), and the mean under 0.025 (seen: ~0.015).
     */
    private static final float MAX_RECORD_MSE = 0.12f;
    private static final float GOOD_RECORD_MSE = 0.03f;
    private static final double MAX_MEAN_MSE = 0.025;

    /** y = A x for a real operator, with the frame attached as truth. */
    static Measurement measure(String sensor, long sequence, OperatorKind kind, long seed, int m, float[] x,
                               int label) {
        MeasurementOperator a = MeasurementOperators.create(new io.csflow.core.operator.OperatorSpec(kind, seed, m,
                x.length));
        INDArray y = Nd4j.create(DataType.FLOAT, 1, m);
        a.forward(Nd4j.create(x, new long[]{1, x.length}, 'c'), y);
        List<Float> ys = new ArrayList<>(m);
        for (float v : y.toFloatVector()) {
            ys.add(v);
        }
        List<Float> truth = new ArrayList<>(x.length);
        for (float v : x) {
            truth.add(v);
        }
        return Measurement.newBuilder()
                .setSensorId(sensor)
                .setSequence(sequence)
                .setEventTimeMillis(1_700_000_000_000L + sequence)
                .setOperator(OperatorSpec.newBuilder().setKind(kind.name()).setSeed(seed).setM(m).setN(x.length)
                        .build())
                .setY(ys)
                .setNoiseStd(0f)
                .setTruth(truth)
                .setLabel(label)
                .build();
    }

    @Test
    void factoryIsSerializableAndReportsThePriorVersion() throws Exception {
        CoreReconstructionServiceFactory f = new CoreReconstructionServiceFactory("csgm", cheapCsgm(),
                Priors.DEFAULT.toString());
        CoreReconstructionServiceFactory copy = InstantiationUtil.clone(f);
        assertEquals(f.options(), copy.options());
        assertEquals("csgm", copy.method());
        assertEquals(SolverOptions.defaults(), new CoreReconstructionServiceFactory().options());
        assertThrows(IllegalArgumentException.class,
                () -> new CoreReconstructionServiceFactory("nope", cheapCsgm(), Priors.DEFAULT.toString()));
    }

    @Test
    void reconstructsFashionMnistFromTwoRealOperatorsExactlyOnce() throws Exception {
        FashionMnist.Dataset images = FashionMnist.load(FashionMnist.Split.TEST).subset(0, 2 * PER_SENSOR);
        List<Measurement> sent = new ArrayList<>();
        for (int i = 0; i < PER_SENSOR; i++) {
            sent.add(measure("cam-gauss", i, OperatorKind.GAUSSIAN, 7, 200, images.images()[2 * i],
                    images.labels()[2 * i]));
            sent.add(measure("cam-dct", i, OperatorKind.SUBSAMPLED_DCT, 11, 300, images.images()[2 * i + 1],
                    images.labels()[2 * i + 1]));
        }

        JobConfig c = JobConfig.builder()
                .bootstrapServers(KAFKA.bootstrapServers())
                .topics(Topics.defaults().withPrefix("core."))
                .groupId("core")
                .transactionalIdPrefix("core")
                .parallelism(PARALLELISM)
                .bucketsPerInstance(1)
                .maxBatchSize(16)
                .maxBatchWait(Duration.ofMillis(200))
                .checkpointInterval(Duration.ofMillis(500))
                .transactionTimeout(Duration.ofSeconds(60))
                .restartAttempts(0)
                .expectedN(N).maxM(N).maxN(N)
                .build();
        KAFKA.createTopics(c.topics(), 2);
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

        long version = Priors.loadDefault().version();
        long t0 = System.nanoTime();
        JobClient job = new ReconstructionJob(c, new CoreReconstructionServiceFactory("csgm", cheapCsgm(),
                Priors.DEFAULT.toString())).executeAsync(StreamExecutionEnvironment.getExecutionEnvironment());
        List<ConsumerRecord<byte[], byte[]>> records;
        try {
            try (KafkaConsumer<byte[], byte[]> cons = KafkaTestClients.readCommitted(KAFKA.bootstrapServers(),
                    c.topics().reconstructions())) {
                records = KafkaTestClients.pollAtLeast(cons, sent.size(), WAIT);
                KafkaTestClients.drainFor(cons, Duration.ofSeconds(2), records);
            }
        } finally {
            ReconstructionJobTest.cancelAndAwait(job);
        }

        AvroWire<Reconstruction> out = AvroWire.reconstructions();
        Map<String, Reconstruction> byId = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            Reconstruction rec = out.decode(r.value());
            assertEquals(rec.getSensorId(), new String(r.key(), StandardCharsets.UTF_8), "key = sensor id");
            assertNull(byId.put(rec.getSensorId() + "#" + rec.getSequence(), rec),
                    () -> "duplicate output for " + rec.getSensorId() + "#" + rec.getSequence());
        }
        assertEquals(sent.size(), byId.size(), "every (sensor, sequence) exactly once");
        double worst = 0;
        double sum = 0;
        List<String> tooHigh = new ArrayList<>();
        int good = 0;
        StringBuilder all = new StringBuilder();
        for (Measurement m : sent) {
            Reconstruction r = byId.get(m.getSensorId() + "#" + m.getSequence());
            assertNotNull(r, () -> "missing " + m.getSensorId() + "#" + m.getSequence());
            assertEquals("csgm", r.getMethod());
            assertEquals(version, r.getModelVersion());
            assertEquals(N, r.getImage().size());
            assertEquals(m.getLabel(), r.getLabel());
            assertEquals(m.getEventTimeMillis(), r.getEventTimeMillis());
            assertNotNull(r.getMse());
            float[] image = new float[N];
            for (int p = 0; p < N; p++) {
                image[p] = r.getImage().get(p);
            }
            assertEquals(BatchReconstructionService.mse(m.getTruth(), image), r.getMse(), 1e-6f);
            if (r.getMse() >= MAX_RECORD_MSE) {
                tooHigh.add(m.getSensorId() + "#" + m.getSequence() + " (" + m.getOperator().getKind() + " m="
                        + m.getOperator().getM() + "): mse " + r.getMse());
            }
            if (r.getMse() < GOOD_RECORD_MSE) {
                good++;
            }
            all.append(String.format(" %s#%d=%.4f", m.getSensorId(), m.getSequence(), r.getMse()));
            worst = Math.max(worst, r.getMse());
            sum += r.getMse();
        }
        System.out.printf("core csgm: %d reconstructions in %d ms, mean mse %.4f, worst %.4f%n", sent.size(),
                (System.nanoTime() - t0) / 1_000_000, sum / sent.size(), worst);
        System.out.println("core csgm mse:" + all);
        assertTrue(tooHigh.isEmpty(), () -> "mse >= " + MAX_RECORD_MSE + ": " + tooHigh);
        assertTrue(sum / sent.size() < MAX_MEAN_MSE, "mean mse " + sum / sent.size());
        assertTrue(4 * good >= 3 * sent.size(), good + " of " + sent.size() + " records under " + GOOD_RECORD_MSE);
    }
}
