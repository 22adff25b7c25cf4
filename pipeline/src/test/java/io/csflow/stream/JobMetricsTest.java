package io.csflow.stream;

import io.csflow.avro.Measurement;
import io.csflow.avro.Reconstruction;
import io.csflow.stream.flink.ReconstructionMetrics;
import io.csflow.stream.kafka.BrokerExtension;
import io.csflow.stream.kafka.KafkaTestClients;
import io.csflow.stream.wire.AvroWire;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The job's metrics as a reporter sees them (Flink's InMemoryReporter stands in for the Prometheus reporter: both
 * get the same metric groups), after a run with good records and one dead letter.
 */
class JobMetricsTest {

    private static final int GOOD = 40;
    private static final InMemoryReporter REPORTER = InMemoryReporter.create();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setConfiguration(REPORTER.addToConfiguration(new Configuration()))
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(1).build());

    @RegisterExtension
    static final BrokerExtension KAFKA = new BrokerExtension();


    @Test
    void reportsTheCsflowMetricsOfTheReconstructAndValidateOperators() throws Exception {
        JobConfig c = JobConfig.builder()
                .bootstrapServers(KAFKA.bootstrapServers())
                .topics(Topics.defaults().withPrefix("metrics."))
                .groupId("metrics").transactionalIdPrefix("metrics")
                .parallelism(1).bucketsPerInstance(1).maxBatchSize(16).maxBatchWait(Duration.ofMillis(100))
                .checkpointInterval(Duration.ofMillis(500)).transactionTimeout(Duration.ofSeconds(60))
                .expectedN(TestData.N).maxM(BadRecords.MAX_M).maxN(BadRecords.MAX_N)
                .build();
        KAFKA.createTopics(c.topics(), 1);
        AvroWire<Measurement> wire = AvroWire.measurements();
        try (KafkaProducer<byte[], byte[]> p = KafkaTestClients.producer(KAFKA.bootstrapServers())) {
            for (int i = 0; i < GOOD; i++) {
                Measurement m = TestData.measurement("sensor-a", i);
                p.send(new ProducerRecord<>(c.topics().measurements(), key("sensor-a"), wire.encode(m)));
                if (i == GOOD / 2) { // a record the solver throws on; good ones after it, so it is counted when they are
                    p.send(new ProducerRecord<>(c.topics().measurements(), key("sensor-a"),
                            wire.encode(TestServices.poison("sensor-a", 10_000))));
                }
            }
            p.send(new ProducerRecord<>(c.topics().measurements(), key("sensor-x"),
                    "not avro".getBytes(StandardCharsets.UTF_8)));
        }

        JobClient job = new ReconstructionJob(c, TestServices.adjointPoisoned())
                .executeAsync(StreamExecutionEnvironment.getExecutionEnvironment());
        try {
            List<ConsumerRecord<byte[], byte[]>> out;
            try (KafkaConsumer<byte[], byte[]> cons = KafkaTestClients.readCommitted(KAFKA.bootstrapServers(),
                    c.topics().reconstructions())) {
                out = KafkaTestClients.pollAtLeast(cons, GOOD, Duration.ofSeconds(90));
            }
            assertEquals(GOOD, out.size());
            double minResidual = Double.MAX_VALUE;
            double maxResidual = -1;
            AvroWire<Reconstruction> rw = AvroWire.reconstructions();
            for (ConsumerRecord<byte[], byte[]> r : out) {
                double residual = rw.decode(r.value()).getRelativeResidual();
                minResidual = Math.min(minResidual, residual);
                maxResidual = Math.max(maxResidual, residual);
            }

            Map<MetricGroup, Map<String, Metric>> metrics = REPORTER.getMetricsByGroup();
            assertEquals(GOOD, JobMetricsTest.<Counter>metric(metrics, "Reconstruct", "reconstructions").getCount());
            assertEquals(1, JobMetricsTest.<Counter>metric(metrics, "Validate measurements", "deadLetters").getCount());
            assertEquals(1, JobMetricsTest.<Counter>metric(metrics, "Reconstruct", "deadLetters").getCount());
            assertEquals(TestServices.MODEL_VERSION,
                    ((Number) JobMetricsTest.<Gauge<?>>metric(metrics, "Reconstruct", "modelVersion").getValue()).longValue());
            int lastBatch = ((Number) JobMetricsTest.<Gauge<?>>metric(metrics, "Reconstruct", "batchSize").getValue()).intValue();
            assertTrue(lastBatch >= 1 && lastBatch <= 16, "last batch size " + lastBatch);
            assertTrue(((Number) JobMetricsTest.<Gauge<?>>metric(metrics, "Reconstruct", "solverMillis").getValue())
                    .longValue() >= 0);
            // the adjoint test solver spends one iteration per record and reports no uncertainty
            assertEquals(1.0, ((Number) JobMetricsTest.<Gauge<?>>metric(metrics, "Reconstruct", "iterations").getValue())
                    .doubleValue(), 1e-12);
            assertEquals(0.0, ((Number) JobMetricsTest.<Gauge<?>>metric(metrics, "Reconstruct", "meanUncertainty").getValue())
                    .doubleValue(), 1e-12);
            double meanResidual = ((Number) JobMetricsTest.<Gauge<?>>metric(metrics, "Reconstruct", "meanResidual").getValue())
                    .doubleValue();
            // a mean over the last batch's records lies within the range of all the records' residuals
            assertTrue(meanResidual >= minResidual - 1e-6 && meanResidual <= maxResidual + 1e-6,
                    "mean residual of the last batch " + meanResidual + " outside [" + minResidual + ", "
                            + maxResidual + "]");

            Histogram sizes = metric(metrics, "Reconstruct", "batchSizeHistogram");
            Histogram solver = metric(metrics, "Reconstruct", "solverMillisHistogram");
            assertEquals(sizes.getCount(), solver.getCount(), "one entry per batch in both histograms");
            assertEquals(GOOD, sizes.getStatistics().getMean() * sizes.getCount(), 1e-9,
                    "batch sizes add up to the records");
        } finally {
            ReconstructionJobTest.cancelAndAwait(job);
        }
    }

    private static byte[] key(String sensor) {
        return sensor.getBytes(StandardCharsets.UTF_8);
    }

    /** The metric NAME in the csflow group of the operator named OPERATOR (scope: ..., OPERATOR, subtask, csflow). */
    @SuppressWarnings("unchecked")
    private static <M extends Metric> M metric(Map<MetricGroup, Map<String, Metric>> metrics, String operator,
                                               String name) {
        List<Metric> found = new ArrayList<>();
        for (Map.Entry<MetricGroup, Map<String, Metric>> e : metrics.entrySet()) {
            String[] scope = e.getKey().getScopeComponents();
            if (scope.length >= 2 && scope[scope.length - 1].equals(ReconstructionMetrics.GROUP)
                    && Arrays.asList(scope).contains(operator) && e.getValue().containsKey(name)) {
                found.add(e.getValue().get(name));
            }
        }
        assertEquals(1, found.size(), () -> "metric " + operator + "." + ReconstructionMetrics.GROUP + "." + name
                + " found " + found.size() + " times");
        return (M) found.get(0);
    }
}
